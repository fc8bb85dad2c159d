import Foundation
import Synchronization

/// Helper threads that wait for the next piece of a forward pass by spinning for a while before
/// they sleep. A forward pass at 64 tokens has about 60 parallel steps of a fraction of a
/// millisecond each. Waking a sleeping thread for every one of them (`concurrentPerform`)
/// cost so much of each step that a second core made a text only 1.16× faster.
///
/// One caller at a time: a caller that finds the helpers busy (a server computing two requests
/// at once) gets `false` and runs its work another way.
final class SpinningWorkers: @unchecked Sendable {
    static let shared = SpinningWorkers(helperCount: max(ProcessInfo.processInfo.activeProcessorCount - 1, 0))

    /// Polls of an idle helper before it sleeps: roughly 100–200 µs, longer than the gap
    /// between two steps of a pass, far shorter than the gap between requests.
    static let spinsBeforeSleeping = 200_000

    private final class Helper: @unchecked Sendable {
        let ticket = Atomic<Int>(0)
        let isSleeping = Atomic<Bool>(false)
        let condition = NSCondition()
    }

    private let helpers: [Helper]
    private let isBusy = Atomic<Bool>(false)
    private let pending = Atomic<Int>(0)
    private let started = Mutex(false)
    /// The current step's body; written before the tickets are handed out and read by helpers
    /// only after they see their ticket change, so the atomics order every access.
    private var body: ((Int) -> Void)?

    init(helperCount: Int) {
        helpers = (0..<helperCount).map { _ in Helper() }
    }

    /// Runs `body(worker)` for each worker in `0..<workers`: worker 0 on the calling thread,
    /// the others on helpers. Returns false, having run nothing, when the helpers are busy or
    /// too few.
    func run(workers: Int, _ body: (_ worker: Int) -> Void) -> Bool {
        guard workers - 1 <= helpers.count,
            isBusy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return false }
        defer { isBusy.store(false, ordering: .releasing) }
        startHelpersOnce()
        withoutActuallyEscaping(body) { body in
            self.body = body
            pending.store(workers - 1, ordering: .releasing)
            for helper in helpers.prefix(workers - 1) {
                helper.ticket.add(1, ordering: .sequentiallyConsistent)
                if helper.isSleeping.load(ordering: .sequentiallyConsistent) {
                    helper.condition.lock()
                    helper.condition.signal()
                    helper.condition.unlock()
                }
            }
            body(0)
            while pending.load(ordering: .acquiring) > 0 {}
            self.body = nil
        }
        return true
    }

    private func startHelpersOnce() {
        started.withLock { started in
            guard !started else { return }
            started = true
            for (index, helper) in helpers.enumerated() {
                let thread = Thread { [self] in serve(helper, worker: index + 1) }
                thread.name = "magpie-encoder-\(index + 1)"
                thread.start()
            }
        }
    }

    private func serve(_ helper: Helper, worker: Int) {
        var seen = 0
        while true {
            var spins = 0
            while helper.ticket.load(ordering: .acquiring) == seen {
                spins += 1
                guard spins > Self.spinsBeforeSleeping else { continue }
                helper.condition.lock()
                helper.isSleeping.store(true, ordering: .sequentiallyConsistent)
                while helper.ticket.load(ordering: .sequentiallyConsistent) == seen { helper.condition.wait() }
                helper.isSleeping.store(false, ordering: .sequentiallyConsistent)
                helper.condition.unlock()
            }
            seen = helper.ticket.load(ordering: .acquiring)
            runStep(worker)
            pending.subtract(1, ordering: .releasing)
        }
    }

    /// Calls the step's body in a frame of its own, so that the helper's reference to it is
    /// released before `pending` tells the caller the step is done: the caller's
    /// `withoutActuallyEscaping` traps if the body is still referenced when it returns.
    @inline(never)
    private func runStep(_ worker: Int) {
        body?(worker)
    }
}
