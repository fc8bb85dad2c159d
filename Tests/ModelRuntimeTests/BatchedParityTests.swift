import Classifiers
import Foundation
import MagpieTestSupport
import ModelRuntime
import Synchronization
import Testing

/// The tiny BERT classifier of the test vectors, computed through `BatchingModel` by
/// concurrent requests of mixed lengths (some cancelled), against each text computed alone:
/// batching changes which texts share a forward pass, never a probability beyond 1e-5.
@Suite struct BatchedParityTests {
    /// Its first pass waits until `firstPassWaits` returns, so that requests queue behind it.
    final class Classifier: ServableModel {
        let classifier: SequenceClassifier
        let firstPassWaits = Mutex<(@Sendable () async -> Void)?>(nil)
        var profile: ModelProfile { ModelProfile(kind: .fineTunedEncoder, version: "1", labels: []) }

        func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation? { nil }

        init(_ classifier: SequenceClassifier) { self.classifier = classifier }

        func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
            if let wait = firstPassWaits.withLock({ $0.take() }) { await wait() }
            return ModelAnswer(predictions: try classifier.classify(texts).map(\.prediction))
        }
    }

    static let texts: [[String]] = (0..<40).map { index in
        let words = ["you", "are", "lovely", "people", "and", "this", "morning", "was", "awful", "trash"]
        return (0...(index % 3)).map { part in
            (0..<(1 + (index * 7 + part * 5) % 40)).map { words[($0 + index + part) % words.count] }.joined(separator: " ")
        }
    }

    @Test func batchedAnswersEqualEachTextComputedAlone() async throws {
        let classifier = try SequenceClassifier(directory: try ReferenceFiles.testVector("bert-tiny-cls"))
        let alone = try Self.texts.map { try classifier.classify($0).map(\.prediction.probabilities) }
        let shared = Mutex<[BatchStatistics]>([])
        let inner = Classifier(classifier)
        let model = BatchingModel(inner, name: "tiny", policy: BatchingPolicy(maxTexts: 16, maxQueueTime: .seconds(600))) {
            batch in
            shared.withLock { $0.append(batch) }
        }
        inner.firstPassWaits.withLock { wait in
            wait = { while model.waitingRequests < 10 { try? await Task.sleep(for: .milliseconds(2)) } }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, [[Float]]?).self) { group in
            for (index, texts) in Self.texts.enumerated() {
                let task = Task { try await model.classify(texts, context: InvocationContext(requestID: "\(index)")) }
                if index % 9 == 4 { task.cancel() }
                group.addTask {
                    do {
                        return (index, try await task.value.predictions.map(\.probabilities))
                    } catch is CancellationError {
                        return (index, nil)
                    }
                }
            }
            return try await group.reduce(into: [Int: [[Float]]?]()) { $0.updateValue($1.1, forKey: $1.0) }
        }
        #expect(answers.count == Self.texts.count)
        for (index, expected) in alone.enumerated() {
            guard let batched = answers[index] ?? nil else { continue }
            let worst = zip(batched, expected).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .nan
            #expect(batched.count == expected.count && worst <= 1e-5, "request \(index): \(worst)")
        }
        #expect(shared.withLock { $0.reduce(0) { $0 + $1.requests } } == answers.values.filter { $0 != nil }.count)
        #expect(shared.withLock { $0.contains { $0.requests > 1 } })
    }
}
