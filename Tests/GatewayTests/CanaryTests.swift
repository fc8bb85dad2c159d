import Classifiers
import Foundation
import Gateway
import MagpieTestSupport
import ModelRuntime
import Releases
import Storage
import Testing

/// Canaries through a real server: the versions are the fixture artifact, some with an
/// injected fault, and the analysis is run by the test between batches of traffic.
@Suite struct CanaryTests {
    /// Held-out tweets (after the fixture's 1,500 training rows), so stable predicts a real
    /// mixture of labels.
    static let heldOut: [(text: String, label: String)] = {
        let path = ModelFixture.repositoryRoot.appendingPathComponent("data/hate-speech/labeled_data.csv").path
        let dataset = try! LabeledDataset.read(path: path, textColumn: "tweet", labelColumn: "class")
        let names = ["0": "Hate Speech", "1": "Offensive Language", "2": "Neither"]
        return dataset.examples[2_000..<2_400].map { ($0.text, names[$0.label]!) }
    }()
    static let texts = heldOut.map(\.text)

    static let policy: ReleasePolicy = {
        var policy = ReleasePolicy()
        policy.minimumRequests = 60
        policy.minimumDuration = .zero
        policy.earlyRequests = 20
        // Only the slow canary's test checks latency; in the parallel test run, load noise
        // must not fail the others first.
        policy.minimumLatencyIncrease = .seconds(2)
        // Keys see different tweets, so two samples of the same model differ a little; a
        // constant label differs by far more (about 0.5).
        policy.maxLabelDivergence = 0.15
        // The same holds for the top scores by tenths, ten bins of a few dozen answers: a good
        // canary's drew a divergence of 0.175 once (with chi-square just over its critical
        // value) and was rolled back. A canary that is never sure differs by far more.
        policy.maxScoreDivergence = 0.25
        return policy
    }()

    /// A server whose version 1 is the artifact and version 2 the artifact with `fault`
    /// (or `loadFails`), with 1 stable and 2 the canary at `weight`%.
    static func server(
        fault: InjectedVersion.Fault? = nil, loadFails: Bool = false, weight: Int = 50, policy: ReleasePolicy = policy,
        canaryArtifact: String? = nil
    ) async throws -> LiveServer {
        let server = try await LiveServer(
            loader: { deployment in
                guard deployment.version == 2 else { return try ArtifactModel.load(from: deployment.path) }
                let model = try ArtifactModel.load(from: canaryArtifact ?? deployment.path)
                if loadFails {
                    throw ModelRuntimeError.loadFailed(model: "hate-speech@2", reason: "weights.bin: SHA-256 does not match")
                }
                return fault.map { InjectedVersion(model, $0) } ?? model
            }, versions: [1, 2], releasePolicy: policy)
        _ = try await server.store.promote(model: "hate-speech", version: 1, versions: [1, 2])
        _ = try await server.store.startCanary(model: "hate-speech", version: 2, weight: weight, versions: [1, 2])
        await server.releases!.refresh()
        return server
    }

    /// `count` requests spread over `keys`, each with a tweet, each followed by its true label
    /// as feedback when `feedback`; returns the versions that answered.
    static func traffic(
        _ server: LiveServer, keys: [String], count: Int, feedback: Bool = false
    ) async throws -> [(key: String, version: String, status: Int)] {
        var answers: [(key: String, version: String, status: Int)] = []
        for index in 0..<count {
            let key = keys[index % keys.count]
            // A fresh draw for every request: with the same tweet per key in every batch, the
            // canary's keys would see the same few tweets again and again, a sample far smaller
            // than its count, whose labels can differ from stable's by more than the threshold.
            let example = heldOut.randomElement()!
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["text": example.text]), as: UTF8.self)
            let response = try await server.request("POST", "/v1/models/hate-speech/classify", key: key, json: body)
            answers.append((key, response.header("X-Magpie-Model-Version") ?? "", response.status))
            if feedback, let id = response.header("X-Request-Id") {
                let scored = try await server.request(
                    "POST", "/v1/models/hate-speech/feedback", key: key,
                    json: #"{"request_id": "\#(id)", "label": "\#(example.label)"}"#)
                #expect(scored.status == 200)
            }
        }
        return answers
    }

    static func keys(_ server: LiveServer, _ count: Int) async throws -> [String] {
        var keys: [String] = []
        for _ in 0..<count { keys.append(try await server.key(quota: nil)) }
        return keys
    }

    static func lastDecision(_ server: LiveServer) async throws -> ReleaseDecision? {
        try await server.store.release(of: "hate-speech")?.decisions.last
    }

    @Test func trafficIsStickyPerKeyAndEveryAnswerNamesItsVersion() async throws {
        let server = try await Self.server(weight: 30)
        let keys = try await Self.keys(server, 40)
        let answers = try await Self.traffic(server, keys: keys, count: 200)
        #expect(answers.allSatisfy { $0.status == 200 && ["1", "2"].contains($0.version) })
        for key in keys {
            #expect(Set(answers.filter { $0.key == key }.map(\.version)).count == 1, "a key changed sides")
        }
        #expect(Set(answers.map(\.version)) == ["1", "2"])
        // A pinned version is served whatever the key's side.
        let pinned = try await server.request(
            "POST", "/v1/models/hate-speech/classify", key: keys[0], headers: ["X-Magpie-Model-Version": "2"],
            json: #"{"text": "hi"}"#)
        #expect(pinned.status == 200 && pinned.header("X-Magpie-Model-Version") == "2")
        #expect((pinned.json as? [String: Any])?["version"] as? String == "2")
        let unknown = try await server.request(
            "POST", "/v1/models/hate-speech/classify", key: keys[0], headers: ["X-Magpie-Model-Version": "9"],
            json: #"{"text": "hi"}"#)
        #expect(unknown.status == 404 && (unknown.json as? [String: Any])?["error_type"] as? String == "unknown_version")
    }

    @Test func aCanaryThatAlwaysAnswersOneLabelIsRolledBack() async throws {
        let server = try await Self.server(fault: .constantLabel("Hate Speech"))
        let keys = try await Self.keys(server, 30)
        let answers = try await Self.traffic(server, keys: keys, count: 120)
        #expect(answers.allSatisfy { $0.status == 200 })
        await server.releases!.analyze()
        let decision = try #require(try await Self.lastDecision(server))
        #expect(decision.action == .rolledBack && decision.automatic && decision.version == 2)
        #expect(decision.reason.contains("labels shifted"), "\(decision.reason)")
        #expect((decision.figures["label_divergence"] ?? 0) > Self.policy.maxLabelDivergence)
        // Every key is back on stable.
        let after = try await Self.traffic(server, keys: keys, count: 30)
        #expect(after.allSatisfy { $0.version == "1" })
    }

    @Test func aCanaryThatFailsToLoadIsRolledBackWhileStableAnswersForIt() async throws {
        let server = try await Self.server(loadFails: true)
        let keys = try await Self.keys(server, 30)
        let answers = try await Self.traffic(server, keys: keys, count: 80)
        // No client saw the canary's failure: stable answered instead.
        #expect(answers.allSatisfy { $0.status == 200 && $0.version == "1" })
        await server.releases!.analyze()
        let decision = try #require(try await Self.lastDecision(server))
        #expect(decision.action == .rolledBack && decision.reason.contains("error rate"), "\(decision.reason)")
        #expect(decision.figures["canary_error_rate"] == 1)
    }

    @Test func aSlowCanaryIsRolledBack() async throws {
        var policy = Self.policy
        policy.minimumLatencyIncrease = .milliseconds(10)
        // Stable's p99 is the slowest of a few dozen answers, which one stall of the parallel
        // test run sets: the canary is slow enough, and the ratio low enough, that stable's p99
        // may reach 200 ms.
        policy.maxLatencyRatio = 1.5
        let server = try await Self.server(fault: .slow(.milliseconds(300)), weight: 50, policy: policy)
        let keys = try await Self.keys(server, 30)
        var decision: ReleaseDecision?
        for _ in 0..<10 where decision == nil {
            _ = try await Self.traffic(server, keys: keys, count: 60)
            await server.releases!.analyze()
            decision = try await Self.lastDecision(server).flatMap { $0.action == .rolledBack ? $0 : nil }
        }
        let rolledBack = try #require(decision)
        #expect(rolledBack.reason.contains("p99 latency"), "\(rolledBack.reason)")
        #expect((rolledBack.figures["p99_ratio"] ?? 0) > policy.maxLatencyRatio)
    }

    @Test func aGoodCanaryStepsUpAndIsPromoted() async throws {
        var policy = Self.policy
        policy.step = 40
        let server = try await Self.server(weight: 20, policy: policy)
        let keys = try await Self.keys(server, 60)
        var actions: [ReleaseDecision.Action] = []
        for _ in 0..<30 where actions.count < 4 {
            let answers = try await Self.traffic(server, keys: keys, count: 60)
            #expect(answers.allSatisfy { $0.status == 200 })
            await server.releases!.analyze()
            actions = try await server.store.release(of: "hate-speech")?.decisions.map(\.action) ?? []
        }
        // Promoted by hand to 1, the canary at 20%, stepped to 60%, then promoted (60 + 40 = 100%).
        let reasons = try await server.store.release(of: "hate-speech")?.decisions.map(\.reason) ?? []
        #expect(actions == [.promoted, .canaryStarted, .steppedUp, .promoted], "\(reasons)")
        let release = try #require(try await server.store.release(of: "hate-speech"))
        #expect(release.stable == 2 && release.canary == nil)
        let after = try await Self.traffic(server, keys: keys, count: 20)
        #expect(after.allSatisfy { $0.version == "2" })
        // The listing shows the release and its decisions, newest first.
        let listing = try await server.request("GET", "/v1/models", key: keys[0])
        let model = try #require(((listing.json as? [String: Any])?["models"] as? [[String: Any]])?.first)
        let summary = try #require(model["release"] as? [String: Any])
        #expect(summary["stable"] as? Int == 2 && summary["versions"] as? [Int] == [1, 2] && summary["canary"] == nil)
        #expect((summary["decisions"] as? [[String: Any]])?.first?["action"] as? String == "promoted")
        #expect(model["version"] as? String == "2")
    }

    @Test func aCanaryWithWorseAccuracyOnFeedbackIsRolledBack() async throws {
        var policy = Self.policy
        policy.minimumRequests = 1_000
        policy.minimumFeedback = 40
        // The paired checks would catch this canary first (see the shuffled-label test).
        policy.pairedSample = 0
        let server = try await Self.server(fault: .answersAnotherText, policy: policy)
        let keys = try await Self.keys(server, 30)
        var decision: ReleaseDecision?
        for _ in 0..<6 where decision == nil {
            _ = try await Self.traffic(server, keys: keys, count: 60, feedback: true)
            await server.releases!.analyze()
            decision = try await Self.lastDecision(server).flatMap { $0.action == .rolledBack ? $0 : nil }
        }
        let rolledBack = try #require(decision)
        #expect(rolledBack.reason.hasPrefix("accuracy"), "\(rolledBack.reason)")
        let figures = rolledBack.figures
        // The analysis acts at the first significant difference, so the drop it records is
        // whatever the sample showed then: over the threshold, not near the true gap (~0.25).
        #expect((figures["stable_accuracy"] ?? 0) - (figures["canary_accuracy"] ?? 1) > policy.maxAccuracyDrop, "\(figures)")
        #expect((figures["accuracy_z"] ?? 0) < -policy.accuracyZ)
    }

    @Test func feedbackIsScoredOnceAgainstTheAnswerItNames() async throws {
        let server = try await Self.server()
        let key = try await server.key(quota: "100/day")
        let answer = try await server.request(
            "POST", "/v1/models/hate-speech/classify", key: key, json: #"{"texts": ["you are a bitch", "have a nice day"]}"#)
        let id = try #require(answer.header("X-Request-Id"))
        let results = try #require((answer.json as? [String: Any])?["results"] as? [[String: Any]])
        let predicted = try #require(results[1]["label"] as? String)
        let scored = try await server.request(
            "POST", "/v1/models/hate-speech/feedback", key: key,
            json: #"{"request_id": "\#(id)", "label": "Neither", "index": 1}"#)
        #expect(scored.status == 200)
        let body = try #require(scored.json as? [String: Any])
        #expect(body["predicted"] as? String == predicted && body["correct"] as? Bool == (predicted == "Neither"))
        #expect(body["version"] as? String == answer.header("X-Magpie-Model-Version"))
        let cases: [(json: String, status: Int, errorType: String, message: String)] = [
            (#"{"request_id": "\#(id)", "label": "Neither", "index": 1}"#, 422, "invalid_request", "was already recorded"),
            (
                #"{"request_id": "\#(id)", "label": "Spam"}"#, 422, "invalid_request",
                "label 'Spam' is not one of the model's labels"
            ),
            (#"{"request_id": "nope", "label": "Neither"}"#, 404, "unknown_request", "no answer of model 'hate-speech'"),
            (#"{"request_id": "\#(id)", "label": "Neither", "index": 2}"#, 404, "unknown_request", "with request id"),
            (#"{"label": "Neither"}"#, 422, "invalid_request", "request_id must be"),
            (#"{"request_id": "\#(id)", "label": "Neither", "colour": 1}"#, 422, "invalid_request", "unknown field 'colour'"),
        ]
        for (json, status, errorType, message) in cases {
            let refused = try await server.request("POST", "/v1/models/hate-speech/feedback", key: key, json: json)
            let body = refused.json as? [String: Any]
            #expect(refused.status == status && body?["error_type"] as? String == errorType, "\(json)")
            #expect((body?["message"] as? String)?.contains(message) == true, "\(String(describing: body))")
        }
        // Feedback is counted like a request: 1 classification, 1 scored and 6 refused after the key was checked.
        let keyID = try #require(try await server.store.keys().first?.id)
        #expect(try await server.store.usage(keyID: keyID, quota: .init(parsing: "100/day")) == 8)
    }
}
