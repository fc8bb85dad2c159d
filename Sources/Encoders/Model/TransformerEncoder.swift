import COpenBLAS
import Foundation

/// A BERT or DistilBERT encoder loaded from a Hugging Face folder (`config.json`,
/// `model.safetensors`), running its forward pass natively: embeddings, self-attention with
/// each sequence attending only to itself, GELU feed-forward, LayerNorm, matrix products in
/// OpenBLAS. Immutable once loaded, so concurrent forward passes are safe.
public struct TransformerEncoder: Sendable {
    public let configuration: EncoderConfiguration
    let weights: EncoderWeights

    /// `packedWeights` keeps the layers packed for the kernels, so that the next load of the
    /// same weights maps them instead of packing them again.
    public init(directory: URL, packedWeights: PackedWeightsCache = .shared) throws(EncoderError) {
        let configuration = try EncoderConfiguration(path: directory.appendingPathComponent("config.json").path)
        let file = try SafetensorsFile(path: directory.appendingPathComponent("model.safetensors").path)
        self.configuration = configuration
        self.weights = try EncoderWeights(file, configuration, packing: packedWeights.session(for: file))
    }

    /// The last hidden states of `sequences` (token ids, `[CLS]` and `[SEP]` included); with
    /// `everyLayer`, the embedding output and every layer's output, last last.
    public func hiddenStates(of sequences: [[Int32]], everyLayer: Bool = false) throws(EncoderError) -> [HiddenStates] {
        try validate(sequences)
        let hiddenSize = configuration.hiddenSize
        let lengths = sequences.map(\.count)
        let rows = lengths.reduce(0, +)
        let threads = ComputeThreads.count
        let workspace = Workspace(
            rows: rows, hiddenSize: hiddenSize, intermediateSize: configuration.intermediateSize,
            longestSequence: lengths.max() ?? 0, threads: threads)
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
            apply(layer, lengths: lengths, rows: rows, threads: threads, workspace)
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
    private func apply(_ layer: EncoderWeights.Layer, lengths: [Int], rows: Int, threads: Int, _ workspace: Workspace) {
        let size = configuration.hiddenSize
        layer.queryKeyValue.apply(workspace.hidden, rows: rows, into: workspace.queryKeyValue, threads: threads)
        attend(lengths: lengths, threads: threads, workspace)
        layer.attentionOutput.apply(workspace.context, rows: rows, into: workspace.attention, threads: threads)
        inRowChunks(rows, threads: threads) { first, count in
            addInPlace(workspace.attention + first * size, workspace.hidden + first * size, count: count * size)
            layer.attentionNorm.apply(workspace.attention + first * size, rows: count)
        }
        layer.intermediate.apply(workspace.attention, rows: rows, into: workspace.intermediate, threads: threads)
        let inner = configuration.intermediateSize
        inRowChunks(rows, threads: threads) { first, count in
            Activations.gelu(workspace.intermediate + first * inner, count: count * inner, configuration.activation)
        }
        layer.output.apply(workspace.intermediate, rows: rows, into: workspace.hidden, threads: threads)
        inRowChunks(rows, threads: threads) { first, count in
            addInPlace(workspace.hidden + first * size, workspace.attention + first * size, count: count * size)
            layer.outputNorm.apply(workspace.hidden + first * size, rows: count)
        }
    }

    /// Scaled dot-product attention of every head, each sequence over its own tokens only,
    /// which is what the padding mask achieves in a padded batch. Heads are independent, so
    /// they are spread over the allowed threads, each with its own score rows.
    private func attend(lengths: [Int], threads: Int, _ workspace: Workspace) {
        let hidden = configuration.hiddenSize
        let (size, stride) = (Int32(hidden), Int32(3 * hidden))
        let headSize = configuration.headSize
        let headCount = configuration.headCount
        let scale = 1 / Float(headSize).squareRoot()
        var firstRows: [Int] = []
        var row = 0
        for length in lengths {
            firstRows.append(row)
            row += length
        }
        let longest = lengths.max() ?? 0
        Parallel.forEach(lengths.count * headCount, threads: threads) { task, worker in
            let sequence = task / headCount
            let head = task % headCount
            let length = lengths[sequence]
            guard length > 0 else { return }
            let count = Int32(length)
            let scores = workspace.scores + worker * longest * longest
            let query = workspace.queryKeyValue + firstRows[sequence] * 3 * hidden + head * headSize
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, count, count, Int32(headSize), scale, query, stride, query + hidden,
                stride, 0, scores, count)
            Activations.softmaxRows(scores, rows: length, columns: length)
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, count, Int32(headSize), count, 1, scores, count,
                query + 2 * hidden, stride, 0, workspace.context + firstRows[sequence] * hidden + head * headSize, size)
        }
    }

    /// Calls `body(firstRow, rowCount)` for one contiguous share of `rows` per thread.
    private func inRowChunks(_ rows: Int, threads: Int, _ body: (Int, Int) -> Void) {
        let chunks = max(min(threads, rows / 8), 1)
        Parallel.forEach(chunks, threads: chunks) { chunk, _ in
            let first = chunk * rows / chunks
            body(first, (chunk + 1) * rows / chunks - first)
        }
    }

    private func addInPlace(_ target: UnsafeMutablePointer<Float>, _ addend: UnsafePointer<Float>, count: Int) {
        for index in 0..<count { target[index] += addend[index] }
    }
}
