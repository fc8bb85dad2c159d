import CKernels

/// A weight matrix quantized to int8 per output channel and packed for `magpie_int8_gemm_*`:
/// the linear layers of a model made by `magpie quantize`. Inputs are quantized per row on
/// every call (dynamic quantization), so only the weights' scales are fixed.
package final class QuantizedWeights: @unchecked Sendable {
    let packed: UnsafeMutablePointer<Int8>
    /// Per output: a weight is its int8 value times its output's scale.
    let scales: [Float]
    let outputs: Int
    let inputs: Int

    /// Packs `values` (row-major `outputs × inputs` int8) with one scale per output.
    init(values: UnsafePointer<Int8>, scales: [Float], outputs: Int, inputs: Int) {
        let size = max(magpie_int8_packed_size(Int32(outputs), Int32(inputs)), 1)
        packed = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64).bindMemory(to: Int8.self, capacity: size)
        magpie_int8_pack(values, Int32(outputs), Int32(inputs), packed)
        self.scales = scales
        self.outputs = outputs
        self.inputs = inputs
    }

    deinit { UnsafeMutableRawPointer(packed).deallocate() }

    /// Symmetric per-output quantization of float weights: each output's largest magnitude
    /// becomes ±127, values round half to even (as NumPy's `rint`), and an output of zeros
    /// gets scale 1.
    static func quantize(_ weight: UnsafePointer<Float>, outputs: Int, inputs: Int) -> (values: [Int8], scales: [Float]) {
        var values = [Int8](repeating: 0, count: outputs * inputs)
        var scales = [Float](repeating: 1, count: outputs)
        for output in 0..<outputs {
            let row = UnsafeBufferPointer(start: weight + output * inputs, count: inputs)
            let largest = row.reduce(Float(0)) { max($0, abs($1)) }
            guard largest > 0 else { continue }
            scales[output] = largest / 127
            let inverse = 127 / largest
            for (index, value) in row.enumerated() {
                values[output * inputs + index] = Int8(max(-127, min(127, (value * inverse).rounded(.toNearestOrEven))))
            }
        }
        return (values, scales)
    }

    /// Whether `path`'s int8 product is the AVX-512 VNNI kernel: on the AVX-512 path of a CPU
    /// with VNNI. `MAGPIE_KERNELS=avx2` takes the AVX2 kernel on any CPU.
    static func usesVNNI(_ path: KernelPath) -> Bool { path == .avx512 && hasVNNI }

    package static let hasVNNI = magpie_cpu_has_avx512_vnni() != 0

    static func kernel(_ path: KernelPath)
        -> @convention(c) (
            UnsafePointer<Int32>?, UnsafePointer<Float>?, Int32, Int32, UnsafePointer<Int8>?, UnsafePointer<Float>?, Int32,
            Int32, Int32, UnsafeMutablePointer<Float>?, Int32
        ) -> Void
    {
        if path == .portable { return magpie_int8_gemm_portable }
        return usesVNNI(path) ? magpie_int8_gemm_vnni : magpie_int8_gemm_avx2
    }

    /// `output[rows × outputs] += input · Wᵀ`, the input quantized per row once, then the
    /// panels of outputs spread over `threads`, on `path`'s kernel.
    func multiplyAdd(
        _ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, threads: Int, path: KernelPath
    ) {
        let pairs = Int(magpie_int8_pairs(Int32(inputs)))
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(rows * pairs, 1)) { quantized in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: max(rows, 1)) { rowScales in
                let quantize = path == .portable ? magpie_int8_quantize_rows : magpie_int8_quantize_rows_avx2
                quantize(input, Int32(rows), Int32(inputs), quantized.baseAddress!, rowScales.baseAddress!)
                let kernel = Self.kernel(path)
                let panels = (outputs + Int(MAGPIE_INT8_PANEL) - 1) / Int(MAGPIE_INT8_PANEL)
                let chunks = max(1, min(threads, panels))
                let (x, s) = (UnsafePointer(quantized.baseAddress!), UnsafePointer(rowScales.baseAddress!))
                scales.withUnsafeBufferPointer { weightScales in
                    Parallel.forEach(chunks, threads: chunks) { chunk, _ in
                        kernel(
                            x, s, Int32(rows), Int32(inputs), packed, weightScales.baseAddress!, Int32(outputs),
                            Int32(chunk * panels / chunks), Int32((chunk + 1) * panels / chunks), output, Int32(outputs))
                    }
                }
            }
        }
    }
}
