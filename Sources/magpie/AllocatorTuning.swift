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
        #if canImport(Glibc)
            // `mallopt` and its `M_*` options live in <malloc.h>, which Swift's Glibc module does
            // not import; the values are glibc's ABI.
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            let trimThreshold: Int32 = -1
            let topPad: Int32 = -2
            let mmapThreshold: Int32 = -3
            _ = mallopt(trimThreshold, 64 << 20)
            _ = mallopt(topPad, 16 << 20)
            _ = mallopt(mmapThreshold, 4 << 20)
        #endif
    }
}
