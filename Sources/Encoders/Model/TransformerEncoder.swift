import COpenBLAS
import Foundation

/// A BERT or DistilBERT encoder loaded from a Hugging Face folder (`config.json`,
/// `model.safetensors`), running its forward pass natively: embeddings, self-attention with
/// each sequence attending only to itself, GELU feed-forward, LayerNorm, matrix products in
/// OpenBLAS. Immutable once loaded, so concurrent forward passes are safe.
public struct TransformerEncoder: Sendable {
    public let configuration: EncoderConfiguration
    let weights: EncoderWeights

    public init(directory: URL) throws(EncoderError) {
        let configuration = try EncoderConfiguration(path: directory.appendingPathComponent("config.json").path)
        let file = try SafetensorsFile(path: directory.appendingPathComponent("model.safetensors").path)
        self.configuration = configuration
        self.weights = try EncoderWeights(file, configuration)
    }

    /// The last hidden states of `sequences` (token ids, `[CLS]` and `[SEP]` included); with
    /// `everyLayer`, the embedding output and every layer's output, last last.
    public func hiddenStates(of sequences: [[Int32]], everyLayer: Bool = false) throws(EncoderError) -> [HiddenStates] {
        try validate(sequences)
        let hiddenSize = configuration.hiddenSize
        let lengths = sequences.map(\.count)
        let rows = lengths.reduce(0, +)
        let workspace = Workspace(
            rows: rows, hiddenSize: hiddenSize, intermediateSize: configuration.intermediateSize,
            longestSequence: lengths.max() ?? 0)
        var outputs: [HiddenStates] = []
        func record() {
            outputs.append(
                HiddenStates(
                    hiddenSize: hiddenSize, lengths: lengths,
                    values: Array(UnsafeBufferPointer(start: workspace.hidden, count: rows * hiddenSize))))
        }
        embed(sequences, into: workspace.hidden)
        if everyLayer { record() }
        for layer in weights.layers {
            apply(layer, lengths: lengths, rows: rows, workspace)
            if everyLayer { record() }
        }
        if !everyLayer { record() }
        return outputs
    }

    private func validate(_ sequences: [[Int32]]) throws(EncoderError) {
        for (index, sequence) in sequences.enumerated() {
            guard !sequence.isEmpty else { throw .emptySequence(index: index) }
            guard sequence.count <= configuration.maxPositions else {
                throw .sequenceTooLong(index: index, length: sequence.count, maxPositions: configuration.maxPositions)
            }
            if let id = sequence.first(where: { $0 < 0 || Int($0) >= configuration.vocabularySize }) {
                throw .tokenOutOfRange(index: index, id: Int(id), vocabularySize: configuration.vocabularySize)
            }
        }
    }

    /// Word + position (+ token type 0) embeddings, then LayerNorm.
    private func embed(_ sequences: [[Int32]], into hidden: UnsafeMutablePointer<Float>) {
        let size = configuration.hiddenSize
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                let output = hidden + row * size
                let word = weights.wordEmbeddings.pointer + Int(id) * size
                let place = weights.positionEmbeddings.pointer + position * size
                for index in 0..<size { output[index] = word[index] + place[index] }
                if let types = weights.tokenTypeEmbeddings {
                    for index in 0..<size { output[index] += types.pointer[index] }
                }
                row += 1
            }
        }
        weights.embeddingNorm.apply(hidden, rows: row)
    }

    /// One transformer layer, post-norm as in BERT: `h = LN(x + attention(x))`,
    /// `x' = LN(h + W₂·gelu(W₁·h))`. The result replaces `workspace.hidden`.
    private func apply(_ layer: EncoderWeights.Layer, lengths: [Int], rows: Int, _ workspace: Workspace) {
        let size = configuration.hiddenSize
        layer.query.apply(workspace.hidden, rows: rows, into: workspace.query)
        layer.key.apply(workspace.hidden, rows: rows, into: workspace.key)
        layer.value.apply(workspace.hidden, rows: rows, into: workspace.value)
        attend(lengths: lengths, workspace)
        layer.attentionOutput.apply(workspace.context, rows: rows, into: workspace.attention)
        addInPlace(workspace.attention, workspace.hidden, count: rows * size)
        layer.attentionNorm.apply(workspace.attention, rows: rows)
        layer.intermediate.apply(workspace.attention, rows: rows, into: workspace.intermediate)
        Activations.gelu(workspace.intermediate, count: rows * configuration.intermediateSize, configuration.activation)
        layer.output.apply(workspace.intermediate, rows: rows, into: workspace.hidden)
        addInPlace(workspace.hidden, workspace.attention, count: rows * size)
        layer.outputNorm.apply(workspace.hidden, rows: rows)
    }

    /// Scaled dot-product attention of every head, each sequence over its own tokens only,
    /// which is what the padding mask achieves in a padded batch.
    private func attend(lengths: [Int], _ workspace: Workspace) {
        let size = Int32(configuration.hiddenSize)
        let headSize = configuration.headSize
        let scale = 1 / Float(headSize).squareRoot()
        var firstRow = 0
        for length in lengths where length > 0 {
            let count = Int32(length)
            for head in 0..<configuration.headCount {
                let offset = firstRow * configuration.hiddenSize + head * headSize
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, count, count, Int32(headSize), scale, workspace.query + offset, size,
                    workspace.key + offset, size, 0, workspace.scores, count)
                Activations.softmaxRows(workspace.scores, rows: length, columns: length)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, count, Int32(headSize), count, 1, workspace.scores, count,
                    workspace.value + offset, size, 0, workspace.context + offset, size)
            }
            firstRow += length
        }
    }

    private func addInPlace(_ target: UnsafeMutablePointer<Float>, _ addend: UnsafePointer<Float>, count: Int) {
        for index in 0..<count { target[index] += addend[index] }
    }
}
