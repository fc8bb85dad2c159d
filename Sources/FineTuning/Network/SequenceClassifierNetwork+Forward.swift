import Encoders
import Foundation

extension SequenceClassifierNetwork {
    /// The forward pass of training: as `TransformerEncoder`'s, with dropout, keeping each
    /// intermediate the backward pass reads. `words`, one row per token, stands in for the
    /// tokens' rows of the word embedding table: integrated gradients move along a path
    /// between two texts' embeddings that no token id names.
    func forward(_ batch: TokenBatch, masks: inout DropoutMasks, words: UnsafePointer<Float>? = nil) -> ForwardRecord {
        let size = configuration.hiddenSize
        let rows = batch.rows
        let hidden = Buffer(rows * size)
        embed(batch, words: words, into: hidden)
        let embeddingNormalized = Buffer(rows * size)
        let embeddingDeviations = Buffer(rows)
        let norm = layout.embeddingNorm
        Normalization.forward(
            hidden.pointer, rows: rows, size: size, gain: value(norm.gain), bias: value(norm.bias),
            epsilon: configuration.layerNormEpsilon, normalized: embeddingNormalized.pointer,
            inverseDeviations: embeddingDeviations.pointer)
        let embeddingMask = masks.mask(rows * size, probability: dropout.hidden)
        hidden.apply(embeddingMask)
        var layerInput = hidden
        var layers: [LayerRecord] = []
        for layer in layout.layers {
            let record = forward(layer, input: layerInput, batch: batch, masks: &masks)
            layers.append(record)
            layerInput = record.output
        }
        return head(
            batch, output: layerInput, embedding: (embeddingNormalized, embeddingDeviations, embeddingMask),
            layers: layers, masks: &masks)
    }

    private func head(
        _ batch: TokenBatch, output: Buffer, embedding: (Buffer, Buffer, Buffer?), layers: [LayerRecord],
        masks: inout DropoutMasks
    ) -> ForwardRecord {
        let size = configuration.hiddenSize
        let classification = Buffer(batch.count * size)
        for (index, first) in batch.firstRows.enumerated() {
            (classification.pointer + index * size).update(from: output.pointer + first * size, count: size)
        }
        let dense = layout.headDense
        let pooled = Buffer(batch.count * size)
        MatrixProducts.denseForward(
            classification.pointer, rows: batch.count, weight: value(dense.weight), bias: value(dense.bias), inputs: size,
            outputs: size, into: pooled.pointer, threads: threads)
        for index in 0..<pooled.count {
            pooled.pointer[index] =
                configuration.family == .bert ? tanhf(pooled.pointer[index]) : max(pooled.pointer[index], 0)
        }
        let classifierMask = masks.mask(pooled.count, probability: dropout.classifier)
        let classifierInput = Buffer(pooled.count)
        classifierInput.pointer.update(from: pooled.pointer, count: pooled.count)
        classifierInput.apply(classifierMask)
        let classifier = layout.classifier
        let logits = Buffer(batch.count * layout.labelCount)
        MatrixProducts.denseForward(
            classifierInput.pointer, rows: batch.count, weight: value(classifier.weight), bias: value(classifier.bias),
            inputs: size, outputs: layout.labelCount, into: logits.pointer, threads: threads)
        return ForwardRecord(
            batch: batch, embeddingNormalized: embedding.0, embeddingDeviations: embedding.1, embeddingMask: embedding.2,
            layers: layers, output: output, classification: classification, pooled: pooled, classifierMask: classifierMask,
            classifierInput: classifierInput, logits: logits)
    }

    /// Word + position (+ token type 0) embeddings.
    private func embed(_ batch: TokenBatch, words: UnsafePointer<Float>?, into hidden: Buffer) {
        let size = configuration.hiddenSize
        let types = layout.tokenTypeEmbeddings.map(value)
        batch.forEachToken(words: value(layout.wordEmbeddings), positions: value(layout.positionEmbeddings), size: size) {
            row, tableWord, place in
            let word = words.map { $0 + row * size } ?? UnsafePointer(tableWord)
            let output = hidden.pointer + row * size
            for index in 0..<size { output[index] = word[index] + place[index] }
            if let types { for index in 0..<size { output[index] += types[index] } }
        }
    }

    /// One post-norm layer: `h = LN(x + drop(attention(x)))`, `y = LN(h + drop(W₂·gelu(W₁·h)))`.
    /// DistilBERT has no dropout after its attention's output projection.
    private func forward(
        _ layer: ClassifierLayout.Layer, input: Buffer, batch: TokenBatch, masks: inout DropoutMasks
    ) -> LayerRecord {
        let size = configuration.hiddenSize
        let inner = configuration.intermediateSize
        let rows = batch.rows
        func dense(_ dense: ClassifierLayout.Dense, _ x: Buffer, into y: Buffer) {
            MatrixProducts.denseForward(
                x.pointer, rows: rows, weight: value(dense.weight), bias: value(dense.bias), inputs: dense.inputs,
                outputs: dense.outputs, into: y.pointer, threads: threads)
        }
        let query = Buffer(rows * size)
        let key = Buffer(rows * size)
        let valueBuffer = Buffer(rows * size)
        dense(layer.query, input, into: query)
        dense(layer.key, input, into: key)
        dense(layer.value, input, into: valueBuffer)
        let attention = AttentionPass(batch: batch, configuration: configuration, threads: threads)
        let probabilities = Buffer(attention.probabilityCount)
        let attentionMask = masks.mask(attention.probabilityCount, probability: dropout.attention)
        let context = Buffer(rows * size)
        attention.forward(
            query: query, key: key, value: valueBuffer, probabilities: probabilities, mask: attentionMask, context: context)

        let attended = Buffer(rows * size)
        dense(layer.attentionOutput, context, into: attended)
        let attentionOutputMask =
            configuration.family == .bert ? masks.mask(rows * size, probability: dropout.hidden) : nil
        attended.apply(attentionOutputMask)
        for index in 0..<(rows * size) { attended.pointer[index] += input.pointer[index] }
        let attentionNormalized = Buffer(rows * size)
        let attentionDeviations = Buffer(rows)
        normalize(attended, layer.attentionNorm, rows: rows, attentionNormalized, attentionDeviations)

        let preActivation = Buffer(rows * inner)
        dense(layer.intermediate, attended, into: preActivation)
        let activated = Buffer(rows * inner)
        activated.pointer.update(from: preActivation.pointer, count: rows * inner)
        Parallel.bands(rows * inner, threads: threads) { range in
            Activations.gelu(activated.pointer + range.lowerBound, count: range.count, configuration.activation)
        }
        let output = Buffer(rows * size)
        dense(layer.output, activated, into: output)
        let outputMask = masks.mask(rows * size, probability: dropout.hidden)
        output.apply(outputMask)
        for index in 0..<(rows * size) { output.pointer[index] += attended.pointer[index] }
        let outputNormalized = Buffer(rows * size)
        let outputDeviations = Buffer(rows)
        normalize(output, layer.outputNorm, rows: rows, outputNormalized, outputDeviations)
        return LayerRecord(
            input: input, query: query, key: key, value: valueBuffer, probabilities: probabilities,
            probabilityOffsets: attention.probabilityOffsets, attentionMask: attentionMask, context: context,
            attentionOutputMask: attentionOutputMask, attentionNormalized: attentionNormalized,
            attentionDeviations: attentionDeviations, attended: attended, preActivation: preActivation,
            activated: activated, outputMask: outputMask, outputNormalized: outputNormalized,
            outputDeviations: outputDeviations, output: output)
    }

    private func normalize(
        _ values: Buffer, _ norm: ClassifierLayout.Norm, rows: Int, _ normalized: Buffer, _ deviations: Buffer
    ) {
        Normalization.forward(
            values.pointer, rows: rows, size: configuration.hiddenSize, gain: value(norm.gain), bias: value(norm.bias),
            epsilon: configuration.layerNormEpsilon, normalized: normalized.pointer, inverseDeviations: deviations.pointer)
    }
}
