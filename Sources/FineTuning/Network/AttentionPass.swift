import Encoders

/// Scaled dot-product attention of every head over each sequence's own tokens, forward and
/// backward. `(sequence, head)` pairs are independent, so they are spread over the threads,
/// each with its own scratch rows.
struct AttentionPass {
    let batch: TokenBatch
    let hiddenSize: Int
    let headSize: Int
    let headCount: Int
    let threads: Int
    /// Where each `(sequence, head)`'s `length × length` probabilities start.
    let probabilityOffsets: [Int]
    let probabilityCount: Int

    init(batch: TokenBatch, configuration: EncoderConfiguration, threads: Int) {
        self.batch = batch
        hiddenSize = configuration.hiddenSize
        headSize = configuration.headSize
        headCount = configuration.headCount
        self.threads = threads
        var offsets: [Int] = []
        var offset = 0
        for length in batch.lengths {
            for _ in 0..<configuration.headCount {
                offsets.append(offset)
                offset += length * length
            }
        }
        probabilityOffsets = offsets
        probabilityCount = offset
    }

    private var scale: Float { 1 / Float(headSize).squareRoot() }

    /// Where `(sequence, head)`'s slice of a `rows × hidden` matrix starts.
    private func sliceOffset(_ task: Int) -> Int {
        batch.firstRows[task / headCount] * hiddenSize + (task % headCount) * headSize
    }

    /// `probabilities = softmax(scale·Q·Kᵀ)`, `context = drop(probabilities)·V`.
    func forward(query: Buffer, key: Buffer, value: Buffer, probabilities: Buffer, mask: Buffer?, context: Buffer) {
        let longest = batch.longest
        let scratch = Buffer(threads * longest * longest)
        Parallel.forEach(batch.count * headCount, threads: threads) { task, worker in
            let length = batch.lengths[task / headCount]
            let slice = sliceOffset(task)
            let scores = probabilities.pointer + probabilityOffsets[task]
            MatrixProducts.gemm(
                query.pointer + slice, key.pointer + slice, into: scores, m: length, n: length, k: headSize,
                transposeB: true, alpha: scale, lda: hiddenSize, ldb: hiddenSize)
            Activations.softmaxRows(scores, rows: length, columns: length)
            var weights = UnsafePointer(scores)
            if let mask {
                let dropped = scratch.pointer + worker * longest * longest
                let maskValues = mask.pointer + probabilityOffsets[task]
                for index in 0..<(length * length) { dropped[index] = scores[index] * maskValues[index] }
                weights = UnsafePointer(dropped)
            }
            MatrixProducts.gemm(
                weights, value.pointer + slice, into: context.pointer + slice, m: length, n: headSize, k: length,
                ldb: hiddenSize, ldc: hiddenSize)
        }
    }

    /// From the context's gradient, writes the gradients of Q, K and V:
    /// `dV = P'ᵀ·dC`, `dP = (dC·Vᵀ)∘mask`, `dS = P∘(dP − rowsum(dP∘P))`, `dQ = s·dS·K`, `dK = s·dSᵀ·Q`.
    func backward(
        contextGradient: Buffer, query: Buffer, key: Buffer, value: Buffer, probabilities: Buffer, mask: Buffer?,
        queryGradient: Buffer, keyGradient: Buffer, valueGradient: Buffer
    ) {
        let longest = batch.longest
        let scratch = Buffer(threads * longest * longest * 2)
        Parallel.forEach(batch.count * headCount, threads: threads) { task, worker in
            let length = batch.lengths[task / headCount]
            let slice = sliceOffset(task)
            let squared = length * length
            let probability = probabilities.pointer + probabilityOffsets[task]
            let gradient = scratch.pointer + worker * longest * longest * 2
            let dropped = gradient + longest * longest
            var weights = UnsafePointer(probability)
            if let mask {
                let maskValues = mask.pointer + probabilityOffsets[task]
                for index in 0..<squared { dropped[index] = probability[index] * maskValues[index] }
                weights = UnsafePointer(dropped)
            }
            MatrixProducts.gemm(
                weights, contextGradient.pointer + slice, into: valueGradient.pointer + slice, m: length, n: headSize,
                k: length, transposeA: true, lda: length, ldb: hiddenSize, ldc: hiddenSize)
            MatrixProducts.gemm(
                contextGradient.pointer + slice, value.pointer + slice, into: gradient, m: length, n: length,
                k: headSize, transposeB: true, lda: hiddenSize, ldb: hiddenSize)
            if let mask {
                let maskValues = mask.pointer + probabilityOffsets[task]
                for index in 0..<squared { gradient[index] *= maskValues[index] }
            }
            for row in 0..<length {
                let line = gradient + row * length
                let probabilities = probability + row * length
                var dot: Float = 0
                for column in 0..<length { dot += line[column] * probabilities[column] }
                for column in 0..<length { line[column] = probabilities[column] * (line[column] - dot) }
            }
            MatrixProducts.gemm(
                gradient, key.pointer + slice, into: queryGradient.pointer + slice, m: length, n: headSize, k: length,
                alpha: scale, ldb: hiddenSize, ldc: hiddenSize)
            MatrixProducts.gemm(
                gradient, query.pointer + slice, into: keyGradient.pointer + slice, m: length, n: headSize, k: length,
                transposeA: true, alpha: scale, lda: length, ldb: hiddenSize, ldc: hiddenSize)
        }
    }
}
