import Dispatch

/// Where a batch's forward pass runs: a serial queue of its own, off Swift's cooperative pool.
/// The pass is synchronous and takes milliseconds to seconds; on the pool it held a thread,
/// and with the server on one core (one pool thread) no other request could even reach the
/// batch queue while it ran, so every batch held one request.
final class ComputeExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: UnownedJob) {
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
