import CKernels
import COpenBLAS
import Synchronization

/// How many threads one forward or backward pass spreads across. A server answering many
/// small requests wants 1 (its requests already run in parallel); a batch job wants one per
/// core. The default is OpenBLAS's own (`OPENBLAS_NUM_THREADS`, else every core).
///
/// There is one pool of threads: OpenBLAS runs every product on its calling thread, and the
/// passes split products by rows or output panels, attention by heads, and the element-wise
/// steps by rows, across `SpinningWorkers`. When OpenBLAS ran its own threads as well, the two
/// pools took turns on two cores and each one's idle threads spun while the other worked: a
/// quarter of a training step's CPU time, and a 128-token text took 1.55× ONNX Runtime's time
/// on two threads.
public enum ComputeThreads {
    public static var count: Int {
        let chosen = chosenCount.load(ordering: .relaxed)
        return chosen > 0 ? chosen : openBLASDefault
    }

    public static func set(_ count: Int) {
        _ = openBLASDefault
        chosenCount.store(max(count, 1), ordering: .relaxed)
    }

    /// The CPU family whose kernels OpenBLAS runs ("SkylakeX", "Haswell", ...), for reports: on
    /// a CPU newer than OpenBLAS it would be "Prescott", three times slower, had
    /// `magpie_openblas_replace_fallback_kernels` not named the right family.
    public static var openBLASKernels: String {
        _ = openBLASDefault
        return String(cString: openblas_get_corename())
    }

    /// Stops the threads OpenBLAS started before `main` (`openblas_startup.h`); the executable
    /// calls it first thing, so they do not spin through its start.
    public static func stopOpenBLASThreads() {
        magpie_openblas_stop_threads()
    }

    private static let chosenCount = Atomic<Int>(0)

    /// OpenBLAS's thread count at start, read once before OpenBLAS is confined to one thread;
    /// the same first touch gives OpenBLAS kernels for this CPU if it fell back to its slowest.
    private static let openBLASDefault: Int = {
        _ = magpie_openblas_replace_fallback_kernels()
        let count = Int(openblas_get_num_threads())
        openblas_set_num_threads(1)
        return max(count, 1)
    }()
}
