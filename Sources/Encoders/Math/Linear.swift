import COpenBLAS

/// A dense layer as PyTorch stores it: `weight` is `[outputs, inputs]`, so `y = x·Wᵀ + b`.
/// Its weights are float32, or int8 per output channel in a model made by `magpie quantize`.
package struct Linear: Sendable {
    package let bias: Tensor
    package let inputSize: Int
    package let outputSize: Int
    let weights: Weights

    enum Weights: Sendable {
        /// Packed too for the AVX-512 and AVX2 kernels, unless the path is portable.
        case float(Tensor, packed: PackedWeights?)
        case int8(QuantizedWeights)
    }

    /// The float32 weights; nil for a quantized layer.
    package var weight: Tensor? {
        if case .float(let weight, _) = weights { weight } else { nil }
    }

    package var isQuantized: Bool {
        if case .int8 = weights { true } else { false }
    }

    /// The layer `name` of `file`: float weights, or int8 weights with their per-output
    /// `weight_scale` when the file stores them so.
    package init(_ file: SafetensorsFile, _ name: String, inputs: Int, outputs: Int) throws(EncoderError) {
        try self.init(file, stacking: [name], inputs: inputs, outputs: outputs)
    }

    /// The layer `name`, packed by `packing`.
    init(_ file: SafetensorsFile, _ name: String, inputs: Int, outputs: Int, packing: WeightPacking) throws(EncoderError) {
        try self.init(file, stacking: [name], inputs: inputs, outputs: outputs, packing: packing)
    }

    /// One layer computing the layers `names` (each `outputs × inputs`) side by side, their
    /// weights stacked in order, for products that read the same input: attention's query,
    /// key and value in one pass over it, one split over threads and one wait for them
    /// instead of three.
    init(
        _ file: SafetensorsFile, stacking names: [String], inputs: Int, outputs: Int, packing: WeightPacking? = nil
    ) throws(EncoderError) {
        // Each layer's weight before its bias, so that a wrong size is named by its weight.
        let isQuantized = file.entries[names[0] + ".weight"]?.type == "I8"
        var weights: [Tensor] = []
        var values: [Int8] = []
        var scales: [Float] = []
        var biases: [Tensor] = []
        for name in names {
            if isQuantized {
                values += try file.int8Tensor(name + ".weight", shape: [outputs, inputs])
                scales += try file.tensor(name + ".weight_scale", shape: [outputs]).values
            } else {
                weights.append(try file.tensor(name + ".weight", shape: [outputs, inputs]))
            }
            biases.append(try file.tensor(name + ".bias", shape: [outputs]))
        }
        let bias = names.count == 1 ? biases[0] : Tensor(shape: [names.count * outputs], storage: Self.stacked(biases))
        if isQuantized {
            self.init(
                quantized: QuantizedWeights(values: values, scales: scales, outputs: names.count * outputs, inputs: inputs),
                bias: bias)
            return
        }
        let weight =
            names.count == 1 ? weights[0] : Tensor(shape: [names.count * outputs, inputs], storage: Self.stacked(weights))
        if let packing {
            self.init(weight: weight, bias: bias, packed: packing.packed(names.joined(separator: "+"), weight: weight))
        } else {
            self.init(weight: weight, bias: bias)
        }
    }

    private static func stacked(_ parts: [Tensor]) -> TensorStorage {
        TensorStorage(count: parts.reduce(0) { $0 + $1.count }) { buffer in
            var next = buffer.baseAddress!
            for part in parts {
                next.initialize(from: part.pointer, count: part.count)
                next += part.count
            }
        }
    }

    package init(weight: Tensor, bias: Tensor) {
        self.init(
            weight: weight, bias: bias,
            packed: PackedWeights.isUsed ? PackedWeights(weight.pointer, outputs: weight.shape[0], inputs: weight.shape[1]) : nil)
    }

    private init(weight: Tensor, bias: Tensor, packed: PackedWeights?) {
        self.bias = bias
        (outputSize, inputSize) = (weight.shape[0], weight.shape[1])
        weights = .float(weight, packed: packed)
    }

    init(quantized: QuantizedWeights, bias: Tensor) {
        self.bias = bias
        (outputSize, inputSize) = (quantized.outputs, quantized.inputs)
        weights = .int8(quantized)
    }

    /// `weight` quantized as `magpie quantize` does: for tests and for measuring the scheme.
    package init(quantizing weight: Tensor, bias: Tensor) {
        let (values, scales) = QuantizedWeights.quantize(weight.pointer, outputs: weight.shape[0], inputs: weight.shape[1])
        self.init(
            quantized: QuantizedWeights(values: values, scales: scales, outputs: weight.shape[0], inputs: weight.shape[1]),
            bias: bias)
    }

    /// `output[rows × outputs] = input[rows × inputs] · Wᵀ + b`, with the bias preloaded into
    /// the output rows.
    ///
    /// OpenBLAS packs the whole weight matrix on every call, which for a short text costs more
    /// than the multiplication. Below `smallBatchRows` rows the product is therefore split into
    /// bands of 16 outputs, small enough for OpenBLAS's unpacked small-matrix kernels: twice the
    /// GFLOP/s at 16 rows, and no gain from 64 on (Benchmarks/EncoderBenchmarks). Larger
    /// products are split by rows, one OpenBLAS call per thread.
    package func apply(
        _ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, threads: Int = 1,
        path: KernelPath = .current
    ) {
        for row in 0..<rows { (output + row * outputSize).update(from: bias.pointer, count: outputSize) }
        let (weight, packed): (Tensor, PackedWeights?)
        switch weights {
        case .int8(let quantized):
            return quantized.multiplyAdd(input, rows: rows, into: output, threads: threads, path: path)
        case .float(let floats, let packing):
            (weight, packed) = (floats, packing)
        }
        if let packed, path != .portable, rows < Self.packedKernelRows {
            return packed.multiplyAdd(input, rows: rows, into: output, threads: threads, path: path)
        }
        func multiply(firstRow: Int, rowCount: Int, firstOutput: Int, width: Int) {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rowCount), Int32(width), Int32(inputSize), 1,
                input + firstRow * inputSize, Int32(inputSize), weight.pointer + firstOutput * inputSize, Int32(inputSize), 1,
                output + firstRow * outputSize + firstOutput, Int32(outputSize))
        }
        if rows < Self.smallBatchRows {
            let bands = (outputSize + Self.bandWidth - 1) / Self.bandWidth
            Parallel.forEach(bands, threads: threads) { band, _ in
                let first = band * Self.bandWidth
                multiply(firstRow: 0, rowCount: rows, firstOutput: first, width: min(Self.bandWidth, outputSize - first))
            }
            return
        }
        let workers = max(1, min(threads, rows / Self.minimumRowsPerThread))
        Parallel.forEach(workers, threads: workers) { worker, _ in
            let first = worker * rows / workers
            multiply(firstRow: first, rowCount: (worker + 1) * rows / workers - first, firstOutput: 0, width: outputSize)
        }
    }

    /// Below this many rows the prepacked AVX-512 kernel beats OpenBLAS (no packing per call):
    /// one text of 128 tokens took 24 ms on it against 26 on OpenBLAS on one thread, and 12.8
    /// against 15.5 on two. A batch of 32 × 64 tokens (2,048 rows) is OpenBLAS's: its cache
    /// blocking wins there (41 texts/s against the kernel's 30 on one thread).
    package static let packedKernelRows = 256
    package static let smallBatchRows = 48
    package static let bandWidth = 16
    /// Fewer rows than this per thread are not worth a second thread's OpenBLAS call.
    static let minimumRowsPerThread = 32
}
