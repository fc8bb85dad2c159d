import Classifiers
import Encoders
import FineTuning
import Foundation
import MagpieTestSupport
import ModelRuntime
import Testing

/// Whole runs on the tiny BERT test model: a task it can learn (is the word "good" or "bad"
/// in the text), what the run writes, and that a seed fixes the result.
@Suite struct FineTuningRunTests {
    static let words = ["the", "film", "was", "a", "story", "with", "some", "music", "and", "people", "it", "very"]

    /// Texts of 3 to 12 common words with "good" (label 1) or "bad" (label 0) at a random place.
    static func task(count: Int, seed: UInt64, tokenizer: WordPieceTokenizer) -> FineTuner.Examples {
        var generator = SeededGenerator(seed: seed)
        var sequences: [[Int32]] = []
        var labels: [Int] = []
        for index in 0..<count {
            var text = (0..<Int.random(in: 3...12, using: &generator)).map { _ in words.randomElement(using: &generator)! }
            text.insert(index % 2 == 0 ? "bad" : "good", at: Int.random(in: 0...text.count, using: &generator))
            sequences.append(tokenizer.encode(text.joined(separator: " ")).ids)
            labels.append(index % 2)
        }
        return FineTuner.Examples(sequences: sequences, labels: labels)
    }

    static func settings(epochs: Int) -> FineTuningSettings {
        var settings = FineTuningSettings()
        settings.epochs = epochs
        settings.batchSize = 8
        settings.learningRate = 3e-3
        settings.warmup = 0.1
        return settings
    }

    /// Dropout off: on a model 12 wide, the checkpoint's 0.1 slows learning several-fold, and
    /// its gradients have a test of their own (`DropoutGradientTests`).
    static func tuner(epochs: Int, threads: Int, dropout: DropoutSettings? = DropoutSettings.none) throws -> (
        FineTuner, FineTuner.Examples
    ) {
        let directory = try ReferenceFiles.testVector("bert-tiny-cls")
        let tokenizer = try WordPieceTokenizer(directory: directory)
        let network = try SequenceClassifierNetwork.load(directory: directory, labelCount: 2, dropout: dropout, threads: threads)
        let validation = task(count: 64, seed: 2, tokenizer: tokenizer)
        let tuner = try FineTuner(
            network: network, settings: settings(epochs: epochs), labelNames: ["bad", "good"],
            training: task(count: 256, seed: 1, tokenizer: tokenizer), validation: validation)
        return (tuner, validation)
    }

    static func run(epochs: Int, threads: Int) throws -> (FineTuner, [FineTuner.EpochReport], FineTuner.Examples) {
        let (tuner, validation) = try tuner(epochs: epochs, threads: threads)
        guard case .finished(let reports) = try tuner.run() else { throw FineTuningError.emptyBatch }
        return (tuner, reports, validation)
    }

    static func weights(_ tuner: FineTuner) -> [Float] {
        Array(UnsafeBufferPointer(start: tuner.network.parameters.values, count: tuner.network.parameters.count))
    }

    /// Stopped after `stopAfter` updates, saved, restored into a fresh tuner and run to the end,
    /// with the checkpoint's dropout as configured: the same weights as without the stop.
    @Test(arguments: [5, 32, 40])
    func aRunStoppedAndResumedFromItsCheckpointEndsWithTheSameWeights(stopAfter: Int) throws {
        let dropout = DropoutSettings(hidden: 0.1, attention: 0.1, classifier: 0.1)
        let (uninterrupted, _) = try Self.tuner(epochs: 3, threads: 1, dropout: dropout)
        _ = try uninterrupted.run()

        let checkpoint = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: checkpoint) }
        let (first, _) = try Self.tuner(epochs: 3, threads: 1, dropout: dropout)
        var updates = 0
        guard case .stopped(let step) = try first.run(onStep: { _ in updates += 1 }, shouldStop: { updates == stopAfter })
        else {
            Issue.record("the run did not stop")
            return
        }
        #expect(step == stopAfter)
        try first.writeCheckpoint(to: checkpoint, dataFingerprint: "data")

        let (resumed, _) = try Self.tuner(epochs: 3, threads: 1, dropout: dropout)
        try resumed.resume(from: checkpoint, dataFingerprint: "data")
        #expect(resumed.completedSteps == stopAfter)
        guard case .finished(let reports) = try resumed.run() else {
            Issue.record("the resumed run did not finish")
            return
        }
        #expect(reports.count == 3)
        #expect(Self.weights(resumed) == Self.weights(uninterrupted))
    }

    @Test func aCheckpointOfOtherDataOrSettingsIsRefused() throws {
        let checkpoint = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: checkpoint) }
        let (first, _) = try Self.tuner(epochs: 2, threads: 1)
        _ = try first.run(shouldStop: { first.completedSteps == 3 })
        try first.writeCheckpoint(to: checkpoint, dataFingerprint: "data")
        let (other, _) = try Self.tuner(epochs: 2, threads: 1)
        #expect(throws: FineTuningError.checkpoint(path: checkpoint.path, reason: "it was made on other training data")) {
            try other.resume(from: checkpoint, dataFingerprint: "other")
        }
        let (longer, _) = try Self.tuner(epochs: 3, threads: 1)
        #expect(
            throws: FineTuningError.checkpoint(
                path: checkpoint.path, reason: "it was made with other settings; give the same options as that run")
        ) { try longer.resume(from: checkpoint, dataFingerprint: "data") }
    }

    @Test func aLearnableTaskIsLearnedAndTheBestEpochIsKept() throws {
        let (tuner, reports, validation) = try Self.run(epochs: 6, threads: 2)
        #expect(reports.count == 6)
        let first = try #require(reports.first)
        let last = try #require(reports.last)
        #expect(last.trainingLoss < first.trainingLoss * 0.5, "\(reports.map(\.trainingLoss))")
        let best = try #require(reports.filter(\.isBest).last?.validation)
        #expect(best.accuracy >= 0.95, "\(reports.compactMap(\.validation?.accuracy))")
        // The network now holds the best epoch's weights.
        #expect(try tuner.evaluate(validation).macroF1 == best.macroF1)
    }

    @Test func theSameSeedGivesTheSameWeights() throws {
        let (first, _, _) = try Self.run(epochs: 1, threads: 1)
        let (second, _, _) = try Self.run(epochs: 1, threads: 1)
        let count = first.network.parameters.count
        #expect(
            Array(UnsafeBufferPointer(start: first.network.parameters.values, count: count))
                == Array(UnsafeBufferPointer(start: second.network.parameters.values, count: count)))
    }

    @Test func theWrittenFolderIsAHuggingFaceClassifierWithTheSameLogits() throws {
        let (tuner, _, validation) = try Self.run(epochs: 1, threads: 2)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("fine-tuned-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        try HuggingFaceFolder.write(
            tuner.network, labelNames: ["bad", "good"], maxLength: 64,
            source: try ReferenceFiles.testVector("bert-tiny-cls"), to: output)

        let configuration = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("config.json")))
                as? [String: Any])
        #expect(configuration["architectures"] as? [String] == ["BertForSequenceClassification"])
        #expect(configuration["id2label"] as? [String: String] == ["0": "bad", "1": "good"])
        #expect(configuration["label2id"] as? [String: Int] == ["bad": 0, "good": 1])
        let loaded = try SequenceClassifier(directory: output)
        #expect(loaded.maxLength == 64)
        #expect(loaded.labels.names == ["bad", "good"])
        let sequences = Array(validation.sequences.prefix(16))
        let expected = try tuner.network.logits(of: sequences)
        let found = try loaded.encoder.logits(of: sequences)
        for (a, b) in zip(found, expected) {
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-5 * max(1, abs(y))) }
        }
    }

    @Test func batchesCoverEveryExampleOnceWithSimilarLengths() {
        var generator = SeededGenerator(seed: 7)
        let lengths = (0..<1000).map { _ in Int.random(in: 3...256, using: &generator) }
        let batches = LengthBatches.epoch(lengths: lengths, batchSize: 16, seed: 1, epoch: 0)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<1000))
        #expect(batches.allSatisfy { $0.count <= 16 })
        let padding = batches.map { batch in
            batch.map { lengths[$0] }.max()! * batch.count - batch.map { lengths[$0] }.reduce(0, +)
        }
        let tokens = lengths.reduce(0, +)
        // Unsorted batches of lengths uniform in 3...256 pad about 0.9 of the tokens.
        #expect(Double(padding.reduce(0, +)) / Double(tokens) < 0.1)
        #expect(LengthBatches.epoch(lengths: lengths, batchSize: 16, seed: 1, epoch: 1) != batches)
        #expect(LengthBatches.epoch(lengths: lengths, batchSize: 16, seed: 1, epoch: 0) == batches)
    }
}
