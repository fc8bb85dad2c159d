import Classifiers
import Encoders
import Foundation
import MagpieTestSupport
import ModelRuntime
import Synchronization
import Testing

/// Heads over the tiny BERT of the test vectors, loaded through `SharedEncoders`: heads on the
/// same files and settings hold one encoder and share its passes, each still answering as it
/// does alone; different settings, or the last model gone, are separate encoders or none.
@Suite struct SharedEncodersTests {
    static let encoder = Result { try ReferenceFiles.testVector("bert-tiny-cls") }

    static func head(_ name: String, perClass: Int, longTexts: TextEncoder.LongTexts = .truncate) throws -> String {
        try EncoderHeadFixture.head(on: try encoder.get(), name: name, perClass: perClass, longTexts: longTexts)
    }

    @Test func headsOnOneEncoderHoldOneEncoderAndAnswerAsEachDoesAlone() async throws {
        let paths = try [Self.head("first", perClass: 10), Self.head("second", perClass: 14)]
        let encoders = SharedEncoders()
        let models = try paths.map { try #require(try encoders.model(at: $0, policy: BatchingPolicy())) }
        #expect(models[0].encoder === models[1].encoder)
        #expect(encoders.loaded.count == 1)
        let texts = ["you are lovely", "this morning was awful trash", "people"]
        for (path, model) in zip(paths, models) {
            let alone = try ArtifactModel.load(from: path).predictions(for: texts).map(\.prediction.probabilities)
            let shared = try await model.classify(texts, context: InvocationContext(requestID: "r")).predictions
            for (one, other) in zip(alone, shared.map(\.probabilities)) {
                #expect(zip(one, other).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(one) vs \(other)")
            }
        }
        let first = try await models[0].classify(texts, context: InvocationContext(requestID: "a")).predictions
        let second = try await models[1].classify(texts, context: InvocationContext(requestID: "b")).predictions
        #expect(first.map(\.probabilities) != second.map(\.probabilities), "each model applies its own head")
    }

    @Test func concurrentRequestsOfDifferentModelsShareAPass() async throws {
        let paths = try [Self.head("first", perClass: 10), Self.head("second", perClass: 14)]
        let batches = Mutex<[BatchStatistics]>([])
        let waiting = Mutex<(@Sendable () -> Int)?>(nil)
        // The first pass starts only once both models' requests queue behind it.
        let encoders = SharedEncoders { _, batch in
            let first = batches.withLock { batches in
                batches.append(batch)
                return batches.count == 1
            }
            let start = ContinuousClock.now
            while first, (waiting.withLock { $0 }?() ?? 0) < 2, start.duration(to: .now) < .seconds(10) { usleep(1000) }
        }
        let models = try paths.map { try #require(try encoders.model(at: $0, policy: BatchingPolicy())) }
        let queue = models[0].encoder.batcher
        waiting.withLock { $0 = { queue.waitingRequests } }
        let leader = Task { try await models[0].classify(["people"], context: InvocationContext(requestID: "0")) }
        while batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(2)) }
        let followers = models.enumerated().map { index, model in
            Task { try await model.classify(["you are lovely \(index)"], context: InvocationContext(requestID: "\(index)")) }
        }
        _ = try await leader.value
        for follower in followers { #expect(try await follower.value.predictions.count == 1) }
        #expect(batches.withLock { $0.map(\.requests) } == [1, 2])
    }

    @Test func otherSettingsAreAnotherEncoderAndTheLastModelGoneFreesIt() async throws {
        let encoders = SharedEncoders()
        var truncating = try encoders.model(at: try Self.head("truncating", perClass: 10), policy: BatchingPolicy())
        let windowed = try encoders.model(
            at: try Self.head("windowed", perClass: 10, longTexts: .poolWindows), policy: BatchingPolicy())
        #expect(truncating?.encoder !== windowed?.encoder)
        #expect(encoders.loaded.count == 2)
        truncating = nil
        #expect(encoders.loaded.count == 1)
        #expect(encoders.loaded == windowed.map { [$0.encoder.identity] })
    }

    @Test func anNGramArtifactIsNotShared() throws {
        #expect(try SharedEncoders().model(at: ModelFixture.artifact, policy: BatchingPolicy()) == nil)
    }
}
