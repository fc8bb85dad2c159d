import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) as a flag a long loop checks between steps, instead of the default of
/// ending the process wherever it is: `train --fine-tune` then saves a checkpoint first.
final class InterruptFlag {
    private final class Raised: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let raised = Raised()
    private let source: any DispatchSourceSignal

    /// Catches SIGINT from now on; `onInterrupt` runs once, on the first.
    init(onInterrupt: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [raised] in
            if !raised.value.exchange(true, ordering: .acquiringAndReleasing) { onInterrupt() }
        }
        source.resume()
    }

    var isRaised: Bool { raised.value.load(ordering: .acquiring) }
}
