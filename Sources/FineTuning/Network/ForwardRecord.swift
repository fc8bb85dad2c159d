/// What one layer's forward pass keeps for its backward pass.
final class LayerRecord {
    let input: Buffer
    let query, key, value: Buffer
    /// Each (sequence, head)'s attention probabilities before dropout, `length²` each.
    let probabilities: Buffer
    let probabilityOffsets: [Int]
    let attentionMask: Buffer?
    let context: Buffer
    let attentionOutputMask: Buffer?
    let attentionNormalized, attentionDeviations: Buffer
    let attended: Buffer
    let preActivation, activated: Buffer
    let outputMask: Buffer?
    let outputNormalized, outputDeviations: Buffer
    /// The layer's output: the next layer's input.
    let output: Buffer

    init(
        input: Buffer, query: Buffer, key: Buffer, value: Buffer, probabilities: Buffer, probabilityOffsets: [Int],
        attentionMask: Buffer?, context: Buffer, attentionOutputMask: Buffer?, attentionNormalized: Buffer,
        attentionDeviations: Buffer, attended: Buffer, preActivation: Buffer, activated: Buffer, outputMask: Buffer?,
        outputNormalized: Buffer, outputDeviations: Buffer, output: Buffer
    ) {
        self.input = input
        self.query = query
        self.key = key
        self.value = value
        self.probabilities = probabilities
        self.probabilityOffsets = probabilityOffsets
        self.attentionMask = attentionMask
        self.context = context
        self.attentionOutputMask = attentionOutputMask
        self.attentionNormalized = attentionNormalized
        self.attentionDeviations = attentionDeviations
        self.attended = attended
        self.preActivation = preActivation
        self.activated = activated
        self.outputMask = outputMask
        self.outputNormalized = outputNormalized
        self.outputDeviations = outputDeviations
        self.output = output
    }
}

/// Everything a training step's forward pass keeps: the embedding normalization, each layer's
/// record, the last hidden states and the head's intermediate values.
struct ForwardRecord {
    var batch: TokenBatch
    var embeddingNormalized, embeddingDeviations: Buffer
    var embeddingMask: Buffer?
    var layers: [LayerRecord] = []
    var output: Buffer
    /// The `[CLS]` rows of the last hidden states, `batch × hidden`.
    var classification: Buffer
    /// The head's dense layer after its activation (tanh or ReLU), before dropout.
    var pooled: Buffer
    var classifierMask: Buffer?
    var classifierInput: Buffer
    var logits: Buffer
}
