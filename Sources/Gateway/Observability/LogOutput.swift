import Foundation
import Synchronization

/// Where log lines go. `direct` writes each line with its own write(2), so a line is out the
/// moment it is logged (the Lambda runtime, frozen between invocations, needs that).
/// `buffered` collects lines and writes them together from a thread of its own every
/// `interval`, or at once past `limit` bytes: a busy server then spends no system call and no
/// context switch on each request's line, at the price of losing the last `interval` of lines
/// if the process is killed.
package enum LogOutput: Sendable {
    case direct
    case buffered(BufferedLogOutput)

    func write(_ line: [UInt8]) {
        switch self {
        case .direct: Self.write(line, to: STDOUT_FILENO)
        case .buffered(let output): output.append(line)
        }
    }

    /// Whole lines only: each write(2) carries complete lines, so concurrent lines never
    /// interleave.
    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}

/// The buffer behind `LogOutput.buffered`, and the thread that writes it out.
package final class BufferedLogOutput: Sendable {
    private let pending = Mutex<[UInt8]>([])
    private let writing = Mutex(())
    private let descriptor: Int32
    private let limit: Int

    /// - Parameters:
    ///   - interval: the longest a line waits before it is written.
    ///   - limit: pending bytes beyond which the logging thread writes them itself.
    package init(descriptor: Int32 = STDOUT_FILENO, interval: Duration = .milliseconds(20), limit: Int = 64 * 1024) {
        self.descriptor = descriptor
        self.limit = limit
        let (seconds, attoseconds) = interval.components
        let pause = useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let thread = Thread { [self] in
            while true {
                usleep(pause)
                flush()
            }
        }
        thread.name = "magpie-log-writer"
        thread.start()
    }

    package func append(_ line: [UInt8]) {
        let isFull = pending.withLock { pending in
            pending.append(contentsOf: line)
            return pending.count >= limit
        }
        if isFull { flush() }
    }

    /// Writes what is pending now; call before the process exits. Writes are serialized, and
    /// each takes the lines pending when it starts, so lines come out in the order logged.
    package func flush() {
        writing.withLock { _ in
            let lines = pending.withLock { pending -> [UInt8] in
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            if !lines.isEmpty { LogOutput.write(lines, to: descriptor) }
        }
    }
}
