import Classifiers
import Foundation
import MagpieTestSupport
import ModelRuntime
import Synchronization
import Testing

/// `BatchingModel` around a model that records the batches it is asked and holds its first
/// one until the test lets it go, so that requests demonstrably queue behind it.
@Suite struct BatchingModelTests {
    static let labels = LabelSet(labels: ["a", "b", "c", "d", "e", "bad"].map { LabelSet.Label(value: $0, name: $0) })

    /// Predicts each text's own name as its label; fails a batch holding `bad`.
    final class HeldModel: ServableModel {
        let batches = Mutex<[[String]]>([])
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let held = Atomic<Bool>(true)
        var profile: ModelProfile { ModelProfile(kind: .fineTunedEncoder, version: "1", labels: []) }

        func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation? { nil }

        func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
            let first = batches.withLock { batches in
                batches.append(texts)
                return batches.count == 1
            }
            if first && held.load(ordering: .acquiring) {
                await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } }
            }
            struct Refused: Error {}
            if texts.contains("bad") { throw Refused() }
            return ModelAnswer(
                predictions: texts.map { text in
                    Prediction(probabilities: BatchingModelTests.labels.labels.map { $0.name == text ? 1 : 0 }, labels: labels)
                })
        }

        /// Waits for the first batch to be held, then lets it go.
        func release() async throws {
            while gate.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(5)) }
            held.store(false, ordering: .releasing)
            gate.withLock { $0 }?.resume()
        }
    }

    func ask(_ model: BatchingModel, _ texts: [String]) -> Task<[String], any Error> {
        Task { try await model.classify(texts, context: InvocationContext(requestID: texts.joined())).predictions.map(\.label) }
    }

    func waitUntil(_ model: BatchingModel, queues count: Int) async throws {
        while model.waitingRequests < count { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func requestsArrivingDuringABatchAreComputedTogetherAndEachGetsItsOwnAnswers() async throws {
        let inner = HeldModel()
        let seen = Mutex<[BatchStatistics]>([])
        let model = BatchingModel(inner, name: "m", policy: BatchingPolicy()) { statistics in
            seen.withLock { $0.append(statistics) }
        }
        let first = ask(model, ["a"])
        while inner.gate.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(5)) }
        let second = ask(model, ["b", "c"])
        try await waitUntil(model, queues: 1)
        let third = ask(model, ["d"])
        try await waitUntil(model, queues: 2)
        try await inner.release()
        #expect(try await first.value == ["a"])
        #expect(try await second.value == ["b", "c"])
        #expect(try await third.value == ["d"])
        #expect(inner.batches.withLock { $0 } == [["a"], ["b", "c", "d"]])
        #expect(seen.withLock { $0.map(\.requests) } == [1, 2])
        #expect(seen.withLock { $0.map(\.texts) } == [1, 3])
    }

    @Test func aLoneRequestIsComputedAtOnceAndAlone() async throws {
        let inner = HeldModel()
        inner.held.store(false, ordering: .releasing)
        let model = BatchingModel(inner, name: "m", policy: BatchingPolicy())
        #expect(try await ask(model, ["e"]).value == ["e"])
        #expect(try await ask(model, ["a"]).value == ["a"])
        #expect(inner.batches.withLock { $0 } == [["e"], ["a"]])
    }

    @Test func aRequestCancelledWhileQueuedIsNeverComputed() async throws {
        let inner = HeldModel()
        let model = BatchingModel(inner, name: "m", policy: BatchingPolicy())
        let first = ask(model, ["a"])
        while inner.gate.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(5)) }
        let cancelled = ask(model, ["b"])
        try await waitUntil(model, queues: 1)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(model.waitingRequests == 0)
        try await inner.release()
        #expect(try await first.value == ["a"])
        #expect(try await ask(model, ["c"]).value == ["c"])
        #expect(inner.batches.withLock { $0 } == [["a"], ["c"]])
    }

    @Test func aBatchStopsAtItsBoundsAndTheRestFormTheNext() async throws {
        let inner = HeldModel()
        let model = BatchingModel(inner, name: "m", policy: BatchingPolicy(maxTexts: 2))
        let first = ask(model, ["a"])
        while inner.gate.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(5)) }
        var queued: [Task<[String], any Error>] = []
        for (count, text) in ["b", "c", "d"].enumerated() {
            queued.append(ask(model, [text]))
            try await waitUntil(model, queues: count + 1)
        }
        try await inner.release()
        _ = try await first.value
        for (task, text) in zip(queued, ["b", "c", "d"]) { #expect(try await task.value == [text]) }
        #expect(inner.batches.withLock { $0 } == [["a"], ["b", "c"], ["d"]])
    }

    @Test func aFailingBatchIsComputedRequestByRequestSoOneErrorIsNotAnothers() async throws {
        let inner = HeldModel()
        let model = BatchingModel(inner, name: "m", policy: BatchingPolicy())
        let first = ask(model, ["a"])
        while inner.gate.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(5)) }
        let bad = ask(model, ["bad"])
        try await waitUntil(model, queues: 1)
        let good = ask(model, ["b"])
        try await waitUntil(model, queues: 2)
        try await inner.release()
        _ = try await first.value
        await #expect(throws: (any Error).self) { try await bad.value }
        #expect(try await good.value == ["b"])
        #expect(inner.batches.withLock { $0 } == [["a"], ["bad", "b"], ["bad"], ["b"]])
    }

    @Test func aRequestStillQueuedAtItsDeadlineIsAnsweredThenAndNeverComputed() async throws {
        let inner = HeldModel()
        let model = BatchingModel(inner, name: "m@1", policy: BatchingPolicy(maxQueueTime: .milliseconds(100)))
        let first = ask(model, ["a"])
        while inner.gate.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(5)) }
        let clock = ContinuousClock()
        let queuedAt = clock.now
        let late = ask(model, ["b"])
        let error = await #expect(throws: ModelRuntimeError.self) { try await late.value }
        #expect(error == .queueTimeout(model: "m@1", limit: .milliseconds(100)))
        #expect(queuedAt.duration(to: clock.now) >= .milliseconds(100))
        #expect(model.waitingRequests == 0)
        try await inner.release()
        #expect(try await first.value == ["a"])
        #expect(try await ask(model, ["c"]).value == ["c"])
        #expect(inner.batches.withLock { $0 } == [["a"], ["c"]])
    }
}
