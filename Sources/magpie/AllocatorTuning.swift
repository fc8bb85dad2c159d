#if canImport(Glibc)
    import Glibc
#endif

/// Keeps glibc's allocator from handing memory back to the kernel after every burst.
///
/// With the defaults, a request's buffers freed at the top of the heap trim it, and the next
/// request grows it again: `sysmalloc` and the page faults after it were 4% of a keyed
/// request's CPU under load. A 64 MiB trim threshold and 16 MiB of top padding let the heap
/// stay at its working size; a fixed 4 MiB mmap threshold stops glibc from moving it as
/// buffers come and go. Pages never touched cost no resident memory, so the server's RSS after
/// load stays where it was (README, "Serving speed").
enum AllocatorTuning {
    static func applyForServing() {
        apply(trimThreshold: 64 << 20, topPad: 16 << 20, mmapThreshold: 4 << 20)
    }

    /// A fine-tuning step allocates its activations afresh, buffers of up to tens of MiB
    /// (2,048 tokens × 1,536 floats is 12 MiB). Above the mmap threshold each is a fresh
    /// mapping whose pages fault in and are zeroed on every step: 6% of a step's CPU. glibc's
    /// largest threshold (32 MiB) and a heap that keeps its size let the step reuse memory.
    static func applyForTraining() {
        apply(trimThreshold: 1 << 30, topPad: 64 << 20, mmapThreshold: 32 << 20)
    }

    private static func apply(trimThreshold: Int32, topPad: Int32, mmapThreshold: Int32) {
        #if canImport(Glibc)
            // `mallopt` and its `M_*` options live in <malloc.h>, which Swift's Glibc module does
            // not import; the values are glibc's ABI.
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            _ = mallopt(-1, trimThreshold)  // M_TRIM_THRESHOLD
            _ = mallopt(-2, topPad)  // M_TOP_PAD
            _ = mallopt(-3, mmapThreshold)  // M_MMAP_THRESHOLD
        #endif
    }
}
