import CKernels

/// A weight matrix packed once, at load, for `magpie_packed_gemm`: OpenBLAS packs it again on
/// every call, which for one short text was 14–20% of the forward pass. One packing serves
/// the AVX-512 and the AVX2 kernel; on the portable path `Linear` keeps calling OpenBLAS.
final class PackedWeights: @unchecked Sendable {
    static let isUsed = KernelPath.current != .portable

    let values: UnsafeMutablePointer<Float>
    let outputs: Int
    let inputs: Int

    init(_ weight: UnsafePointer<Float>, outputs: Int, inputs: Int) {
        let count = magpie_packed_size(Int32(outputs), Int32(inputs))
        // The kernel's aligned loads need each panel on a 64-byte boundary.
        values = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64).bindMemory(
            to: Float.self, capacity: max(count, 1))
        self.outputs = outputs
        self.inputs = inputs
        magpie_pack_weights(weight, Int32(outputs), Int32(inputs), values)
    }

    deinit { UnsafeMutableRawPointer(values).deallocate() }

    var panelCount: Int { (outputs + Int(MAGPIE_PANEL_WIDTH) - 1) / Int(MAGPIE_PANEL_WIDTH) }

    /// `output[rows × outputs] += input[rows × inputs] · Wᵀ`, the panels spread over `threads`,
    /// on `path`'s kernel (AVX-512 or AVX2).
    func multiplyAdd(
        _ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, threads: Int, path: KernelPath
    ) {
        let kernel = path == .avx512 ? magpie_packed_gemm_avx512 : magpie_packed_gemm_avx2
        let panels = panelCount
        let chunks = max(1, min(threads, panels))
        Parallel.forEach(chunks, threads: chunks) { chunk, _ in
            kernel(
                input, Int32(rows), Int32(inputs), values, Int32(outputs), Int32(chunk * panels / chunks),
                Int32((chunk + 1) * panels / chunks), output, Int32(outputs))
        }
    }
}
