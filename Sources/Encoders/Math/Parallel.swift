import Dispatch

/// Splits independent work across the passes' threads (`ComputeThreads`): products by rows or
/// panels, attention by heads, element-wise steps by rows. On `SpinningWorkers` when they are free, else on
/// `concurrentPerform`.
package enum Parallel {
    /// Calls `body(index, worker)` with each index of `0..<count`, spread over at most
    /// `threads` threads in contiguous chunks; `worker` (below `threads`) tells a thread's
    /// scratch space apart. On one thread, in order on the caller's.
    package static func forEach(_ count: Int, threads: Int, _ body: (_ index: Int, _ worker: Int) -> Void) {
        let workers = min(threads, count)
        guard workers > 1 else {
            for index in 0..<count { body(index, 0) }
            return
        }
        func share(_ worker: Int) {
            for index in stride(from: worker * count / workers, to: (worker + 1) * count / workers, by: 1) {
                body(index, worker)
            }
        }
        if SpinningWorkers.shared.run(workers: workers, share) { return }
        withoutActuallyEscaping(share) { share in
            let shared = UncheckedSendable(share)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in shared.value(worker) }
        }
    }
}

/// Hands a closure that only touches disjoint memory to `concurrentPerform`.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
