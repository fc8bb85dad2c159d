import Classifiers
import Encoders
import Foundation

/// A Hugging Face `BertForSequenceClassification` or `DistilBertForSequenceClassification`
/// folder used as it is: its tokenizer, encoder and head, its `id2label` as the labels.
public struct SequenceClassifier: Sendable {
    public let tokenizer: WordPieceTokenizer
    public let encoder: TransformerEncoder
    /// Values are the class ids (`"0"`, `"1"`, ...), names the `id2label` names, so a labelled
    /// file may give either.
    public let labels: LabelSet
    /// Tokens per text, `[CLS]` and `[SEP]` included: the tokenizer's `model_max_length`,
    /// never more than the model's positions.
    public let maxLength: Int
    let attributor: EncoderAttributor

    /// `labels` replaces the `id2label` names with a fine-tuned model's own label set (the
    /// values its training data used), one per output in order.
    public init(directory: URL, labels recorded: LabelSet? = nil) throws(EncoderError) {
        encoder = try TransformerEncoder(directory: directory)
        do { tokenizer = try WordPieceTokenizer(directory: directory) } catch { throw .tokenizer(error) }
        guard encoder.configuration.isSequenceClassifier else { throw .noClassificationHead }
        let classCount = encoder.classCount ?? 0
        let names = encoder.configuration.labels ?? (0..<classCount).map { "LABEL_\($0)" }
        guard names.count == classCount else {
            throw .malformedConfiguration(
                path: directory.appendingPathComponent("config.json").path,
                reason: "id2label names \(names.count) labels; the classifier has \(classCount) outputs")
        }
        if let recorded, recorded.count != classCount {
            throw .malformedConfiguration(
                path: directory.appendingPathComponent("config.json").path,
                reason: "the manifest names \(recorded.count) labels; the classifier has \(classCount) outputs")
        }
        labels =
            recorded ?? LabelSet(labels: names.enumerated().map { LabelSet.Label(value: String($0.offset), name: $0.element) })
        maxLength = min(tokenizer.modelMaxLength ?? encoder.configuration.maxPositions, encoder.configuration.maxPositions)
        attributor = EncoderAttributor(
            name: directory.lastPathComponent, directory: directory, tokenizer: tokenizer, maxLength: maxLength,
            labelCount: labels.count)
    }

    private func probabilities(_ logits: [Float]) -> [Float] {
        var probabilities = logits
        probabilities.applySoftmax()
        return probabilities
    }

    /// Classifies `texts` in packed batches of `batchSize`, calling `progress` with the count
    /// done after each.
    public func classify(_ texts: [String], batchSize: Int = 32, progress: (_ done: Int) -> Void = { _ in })
        throws(EncoderError) -> [EncoderPrediction]
    {
        var results: [EncoderPrediction] = []
        results.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: max(batchSize, 1)) {
            let batch = texts[start..<min(start + max(batchSize, 1), texts.count)].map {
                tokenizer.encode($0, maxLength: maxLength)
            }
            for (encoded, logits) in zip(batch, try encoder.logits(of: batch.map(\.ids))) {
                results.append(
                    EncoderPrediction(
                        prediction: Prediction(probabilities: probabilities(logits), labels: labels),
                        isTruncated: encoded.isTruncated))
            }
            progress(results.count)
        }
        return results
    }
}
