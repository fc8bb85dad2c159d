import CKernels

/// A weight matrix packed once, at load, for `magpie_packed_gemm`: OpenBLAS packs it again on
/// every call, which for one short text was 14–20% of the forward pass. One packing serves
/// the AVX-512 and the AVX2 kernel; on the portable path `Linear` keeps calling OpenBLAS.
final class PackedWeights: @unchecked Sendable {
    static let isUsed = KernelPath.current != .portable

    let values: UnsafePointer<Float>
    let outputs: Int
    let inputs: Int
    /// What keeps `values` alive: nil for an allocation of its own, else the mapped file.
    private let mapping: Tensor?

    init(_ weight: UnsafePointer<Float>, outputs: Int, inputs: Int) {
        let count = Self.count(outputs: outputs, inputs: inputs)
        // The kernel's aligned loads need each panel on a 64-byte boundary.
        let values = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64).bindMemory(
            to: Float.self, capacity: max(count, 1))
        magpie_pack_weights(weight, Int32(outputs), Int32(inputs), values)
        self.values = UnsafePointer(values)
        self.outputs = outputs
        self.inputs = inputs
        self.mapping = nil
    }

    /// Weights packed earlier and saved (`PackedWeightsCache`), used where they are mapped;
    /// nil unless `packed` has this layout's shape and its panels lie on 64-byte boundaries.
    init?(packed: Tensor, outputs: Int, inputs: Int) {
        guard packed.shape == Self.shape(outputs: outputs, inputs: inputs), Int(bitPattern: packed.pointer) % 64 == 0
        else { return nil }
        self.values = packed.pointer
        self.outputs = outputs
        self.inputs = inputs
        self.mapping = packed
    }

    deinit {
        if mapping == nil { UnsafeMutableRawPointer(mutating: values).deallocate() }
    }

    /// Whether the panels are mapped from a saved file rather than packed by this process.
    var isMapped: Bool { mapping != nil }

    static func count(outputs: Int, inputs: Int) -> Int { magpie_packed_size(Int32(outputs), Int32(inputs)) }

    /// Panels × inputs × panel width: how a saved layer records the layout it was packed in.
    static func shape(outputs: Int, inputs: Int) -> [Int] {
        let width = Int(MAGPIE_PANEL_WIDTH)
        return [(outputs + width - 1) / width, inputs, width]
    }

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
