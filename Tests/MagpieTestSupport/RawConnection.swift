import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP connection to a loopback port driven byte by byte, for what no HTTP client will do:
/// send half a request and stop, trickle a body, or declare a length it never sends.
public final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    public init(port: Int) throws {
        // The descriptor is stored only once connected: a throwing initializer of a fully
        // initialized class runs `deinit`, which would close it a second time, perhaps after
        // another thread reused the number.
        let candidate = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard candidate >= 0 else { throw Failed(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(candidate, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let reason = errno
            close(candidate)
            throw Failed(description: "connect: errno \(reason)")
        }
        descriptor = candidate
    }

    deinit {
        close(descriptor)
    }

    /// Sends all of `text`; false when the server has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Everything the server sends until it closes the connection or `timeout` passes, and
    /// whether it closed. The wait blocks a Dispatch thread, never one of the few threads that
    /// run Swift's tasks, where an in-process server under test runs too.
    public func readUntilClosed(timeout: Duration) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.blockingRead(timeout: timeout)) }
        }
    }

    private func blockingRead(timeout: Duration) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = ContinuousClock.now.duration(to: deadline)
            let milliseconds = Int32(
                max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}
