import Encoders

extension SequenceClassifierNetwork {
    /// Adds every parameter's gradient, from the logits' gradient back to the embeddings.
    func backward(_ record: ForwardRecord, logitGradient: Buffer) {
        let embeddingGradient = encoderBackward(record, outputGradient: headBackward(record, logitGradient: logitGradient))
        if parameters.keepsGradients { scatterIntoEmbeddings(embeddingGradient, batch: record.batch) }
    }

    /// From the logits' gradient to the last hidden states' (nonzero on `[CLS]` rows only).
    func headBackward(_ record: ForwardRecord, logitGradient: Buffer) -> Buffer {
        let size = configuration.hiddenSize
        let batch = record.batch
        let examples = batch.count
        let classifier = layout.classifier
        let pooledGradient = Buffer(examples * size)
        MatrixProducts.denseBackward(
            logitGradient.pointer, record.classifierInput.pointer, rows: examples, weight: value(classifier.weight),
            inputs: size, outputs: layout.labelCount, weightGradient: gradient(classifier.weight),
            biasGradient: gradient(classifier.bias), inputGradient: pooledGradient.pointer, threads: threads)
        pooledGradient.apply(record.classifierMask)
        for index in 0..<pooledGradient.count {
            let pooled = record.pooled.pointer[index]
            pooledGradient.pointer[index] *= configuration.family == .bert ? 1 - pooled * pooled : (pooled > 0 ? 1 : 0)
        }
        let dense = layout.headDense
        let classificationGradient = Buffer(examples * size)
        MatrixProducts.denseBackward(
            pooledGradient.pointer, record.classification.pointer, rows: examples, weight: value(dense.weight), inputs: size,
            outputs: size, weightGradient: gradient(dense.weight), biasGradient: gradient(dense.bias),
            inputGradient: classificationGradient.pointer, threads: threads)
        let outputGradient = Buffer(batch.rows * size)
        for (index, first) in batch.firstRows.enumerated() {
            (outputGradient.pointer + first * size).update(from: classificationGradient.pointer + index * size, count: size)
        }
        return outputGradient
    }

    /// From the last hidden states' gradient through every layer to the gradient of each
    /// token's embedding sum (word + position + type, before the embeddings' normalization),
    /// adding the parameters' gradients on the way when the network keeps them.
    func encoderBackward(_ record: ForwardRecord, outputGradient last: Buffer) -> Buffer {
        let size = configuration.hiddenSize
        let batch = record.batch
        var outputGradient = last
        for (layer, layerRecord) in zip(layout.layers, record.layers).reversed() {
            outputGradient = backward(layer, layerRecord, batch: batch, outputGradient: outputGradient)
        }
        outputGradient.apply(record.embeddingMask)
        let norm = layout.embeddingNorm
        Normalization.backward(
            outputGradient.pointer, rows: batch.rows, size: size, gain: value(norm.gain),
            normalized: record.embeddingNormalized.pointer, inverseDeviations: record.embeddingDeviations.pointer,
            gainGradient: gradient(norm.gain), biasGradient: gradient(norm.bias))
        return outputGradient
    }

    private func scatterIntoEmbeddings(_ embeddingGradient: Buffer, batch: TokenBatch) {
        let size = configuration.hiddenSize
        let types = layout.tokenTypeEmbeddings.flatMap(gradient)
        guard let words = gradient(layout.wordEmbeddings), let positions = gradient(layout.positionEmbeddings) else { return }
        batch.forEachToken(words: words, positions: positions, size: size) {
            row, word, place in
            let line = embeddingGradient.pointer + row * size
            for index in 0..<size {
                word[index] += line[index]
                place[index] += line[index]
            }
            if let types { for index in 0..<size { types[index] += line[index] } }
        }
    }

    /// One layer backward; consumes `outputGradient` and returns the gradient of the layer's input.
    private func backward(
        _ layer: ClassifierLayout.Layer, _ record: LayerRecord, batch: TokenBatch, outputGradient: Buffer
    ) -> Buffer {
        let size = configuration.hiddenSize
        let inner = configuration.intermediateSize
        let rows = batch.rows
        func dense(
            _ dense: ClassifierLayout.Dense, _ dy: Buffer, input: Buffer, into dx: Buffer, accumulate: Bool = false
        ) {
            MatrixProducts.denseBackward(
                dy.pointer, input.pointer, rows: rows, weight: value(dense.weight), inputs: dense.inputs,
                outputs: dense.outputs, weightGradient: gradient(dense.weight), biasGradient: gradient(dense.bias),
                inputGradient: dx.pointer, accumulate: accumulate, threads: threads)
        }
        func normalizeBackward(_ dy: Buffer, _ norm: ClassifierLayout.Norm, _ normalized: Buffer, _ deviations: Buffer) {
            Normalization.backward(
                dy.pointer, rows: rows, size: size, gain: value(norm.gain), normalized: normalized.pointer,
                inverseDeviations: deviations.pointer, gainGradient: gradient(norm.gain), biasGradient: gradient(norm.bias))
        }
        // y = LN(h + drop(W₂·gelu(W₁·h)))
        let sumGradient = outputGradient
        normalizeBackward(sumGradient, layer.outputNorm, record.outputNormalized, record.outputDeviations)
        let attendedGradient = Buffer(rows * size)
        attendedGradient.pointer.update(from: sumGradient.pointer, count: rows * size)
        sumGradient.apply(record.outputMask)
        let activationGradient = Buffer(rows * inner)
        dense(layer.output, sumGradient, input: record.activated, into: activationGradient)
        Parallel.bands(rows * inner, threads: threads) { range in
            ActivationGradients.gelu(
                activationGradient.pointer + range.lowerBound, preActivation: record.preActivation.pointer + range.lowerBound,
                count: range.count, configuration.activation)
        }
        dense(layer.intermediate, activationGradient, input: record.attended, into: attendedGradient, accumulate: true)
        // h = LN(x + drop(Wₒ·attention(x)))
        normalizeBackward(attendedGradient, layer.attentionNorm, record.attentionNormalized, record.attentionDeviations)
        let inputGradient = Buffer(rows * size)
        inputGradient.pointer.update(from: attendedGradient.pointer, count: rows * size)
        attendedGradient.apply(record.attentionOutputMask)
        let contextGradient = Buffer(rows * size)
        dense(layer.attentionOutput, attendedGradient, input: record.context, into: contextGradient)
        let queryGradient = Buffer(rows * size)
        let keyGradient = Buffer(rows * size)
        let valueGradient = Buffer(rows * size)
        AttentionPass(batch: batch, configuration: configuration, threads: threads).backward(
            contextGradient: contextGradient, query: record.query, key: record.key, value: record.value,
            probabilities: record.probabilities, mask: record.attentionMask, queryGradient: queryGradient,
            keyGradient: keyGradient, valueGradient: valueGradient)
        dense(layer.query, queryGradient, input: record.input, into: inputGradient, accumulate: true)
        dense(layer.key, keyGradient, input: record.input, into: inputGradient, accumulate: true)
        dense(layer.value, valueGradient, input: record.input, into: inputGradient, accumulate: true)
        return inputGradient
    }
}
