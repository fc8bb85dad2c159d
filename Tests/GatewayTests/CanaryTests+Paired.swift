import Foundation
import MagpieTestSupport
import Releases
import Storage
import Testing

/// Real artifacts as version 2, judged by the paired checks: stable scores the canary's texts.
extension CanaryTests {
    /// Trained with one version's recipe on other data: the same tweets with labels shuffled
    /// (noise, in the right proportions), or more of the real ones.
    /// Outside `ModelFixture.directory`, which other tests serve as a models folder.
    static let otherArtifacts = FileManager.default.temporaryDirectory.appendingPathComponent(
        "magpie-canary-\(UUID().uuidString)"
    ).path
    /// Trained on a thread of their own: training on one of the few threads every concurrent
    /// test shares would stall the others' timers and connections.
    static let shuffledArtifact = Task {
        await offThePool { ModelFixture.train(rows: 0..<1_500, shuffledLabels: true, to: otherArtifacts + "/shuffled") }
    }
    static let retrainedArtifact = Task {
        await offThePool { ModelFixture.train(rows: 0..<2_000, to: otherArtifacts + "/retrained") }
    }

    /// Traffic in batches, the analysis after each, until the canary is promoted or rolled
    /// back (or `batches` run out); returns the release's decisions since the canary started.
    static func judged(_ server: LiveServer, batches: Int = 20) async throws -> [ReleaseDecision] {
        let keys = try await Self.keys(server, 20)
        var decisions: [ReleaseDecision] = []
        for _ in 0..<batches {
            let answers = try await Self.traffic(server, keys: keys, count: 60)
            #expect(answers.allSatisfy { $0.status == 200 })
            // Stable scores the canary's texts after each answer; let the last ones land.
            try await Task.sleep(for: .milliseconds(50))
            await server.releases!.analyze()
            decisions = try await server.store.release(of: "hate-speech")?.decisions ?? []
            decisions = Array(decisions.drop { $0.action != .canaryStarted }.dropFirst())
            if decisions.contains(where: { $0.action == .promoted || $0.action == .rolledBack }) { break }
        }
        return decisions
    }

    /// A version trained on shuffled labels predicts the labels in stable's proportions, so the
    /// label check cannot see it; compared on the same texts, it disagrees with stable, and it
    /// is never sure. It is rolled back, never promoted.
    @Test func aCanaryTrainedOnShuffledLabelsIsRolledBackNotPromoted() async throws {
        // The label check off, as it was blind on the day this was found
        // (`label_divergence=0.0006`): what rolls this version back is the paired checks.
        var policy = Self.policy
        policy.maxLabelDivergence = 1
        let server = try await Self.server(policy: policy, canaryArtifact: await Self.shuffledArtifact.value)
        let decisions = try await Self.judged(server)
        #expect(!decisions.contains { $0.action == .promoted })
        let rolledBack = try #require(decisions.first { $0.action == .rolledBack }, "\(decisions.map(\.reason))")
        #expect(
            rolledBack.reason.hasPrefix("agrees with stable") || rolledBack.reason.hasPrefix("confidence shifted"),
            "\(rolledBack.reason)")
        let figures = rolledBack.figures
        if rolledBack.reason.hasPrefix("agrees") {
            #expect((figures["agreement"] ?? 1) < Self.policy.minimumAgreement, "\(figures)")
        } else {
            #expect((figures["score_divergence"] ?? 0) > Self.policy.maxScoreDivergence, "\(figures)")
        }
    }

    /// The same recipe on more of the real tweets agrees with stable on most texts and is as
    /// sure: the paired checks let it through.
    @Test func aGenuinelyRetrainedCanaryIsStillPromoted() async throws {
        let server = try await Self.server(canaryArtifact: await Self.retrainedArtifact.value)
        let decisions = try await Self.judged(server)
        let promoted = try #require(decisions.first { $0.action == .promoted }, "\(decisions.map(\.reason))")
        #expect((promoted.figures["agreement"] ?? 0) >= 0.8, "\(promoted.figures)")
        #expect((promoted.figures["paired"] ?? 0) >= Double(Self.policy.earlyRequests))
    }
}
