import NIOCore
import NIOHTTP1

/// Reads HTTP/1.1 responses from a connection's bytes, doing only what a load generator needs:
/// the status, whether the connection stays open, where the body ends (Content-Length, chunked,
/// or the connection's close) and its length. Headers are kept as the raw head and parsed only
/// when asked for. NIO's decoder builds every header as a String and passes each part through
/// the pipeline, which made the generator's cost per request twice wrk's and, in batches of
/// responses, left the server it measures idle (docs/benchmarks.md).
package struct HTTP1ResponseParser {
    /// A response read to its end.
    package struct Parsed {
        package var status: Int
        package var head: ByteBuffer
        package var bodyBytes: Int
        package var keepAlive: Bool
    }

    package enum Failure: Error, Equatable {
        case malformed(String)
        case headTooLarge
    }

    private enum State {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailer
        case untilClose
    }

    package static let maximumHeadBytes = 65_536

    package init() {}

    private var buffer = ByteBuffer()
    private var state = State.head
    private var current: Parsed?

    /// Whether the response in progress is read until the connection closes.
    private var readsUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Adds bytes read from the connection; returns the responses they complete. `bodiless`
    /// says whether the request being answered was a HEAD, whose response has no body.
    package mutating func feed(_ bytes: inout ByteBuffer, bodiless: Bool) throws(Failure) -> [Parsed] {
        buffer.writeBuffer(&bytes)
        var finished: [Parsed] = []
        while let response = try next(bodiless: bodiless) { finished.append(response) }
        buffer.discardReadBytes()
        return finished
    }

    /// The response read until the close, when the connection closes.
    package mutating func finishAtClose() -> Parsed? {
        guard readsUntilClose, let current else { return nil }
        self.current = nil
        state = .head
        return current
    }

    private mutating func next(bodiless: Bool) throws(Failure) -> Parsed? {
        while true {
            switch state {
            case .head:
                guard let end = headEnd() else {
                    if buffer.readableBytes > Self.maximumHeadBytes { throw .headTooLarge }
                    return nil
                }
                let head = buffer.readSlice(length: end)!
                try begin(head, bodiless: bodiless)
            case .body(let remaining):
                let left = skipBody(remaining)
                guard left == 0 else {
                    state = .body(remaining: left)
                    return nil
                }
                return complete()
            case .chunkSize:
                guard let line = readLine() else { return nil }
                let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != UInt8(ascii: " ") }
                guard let size = Int(String(decoding: digits, as: UTF8.self), radix: 16), size >= 0 else {
                    throw .malformed("a chunk size is not hexadecimal")
                }
                state = size == 0 ? .trailer : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let left = skipBody(remaining)
                guard left == 0 else {
                    state = .chunkData(remaining: left)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard let line = readLine() else { return nil }
                guard line.isEmpty else { throw .malformed("a chunk does not end with CRLF") }
                state = .chunkSize
            case .trailer:
                guard let line = readLine() else { return nil }
                if line.isEmpty { return complete() }
            case .untilClose:
                current?.bodyBytes += buffer.readableBytes
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                return nil
            }
        }
    }

    /// Skips as many of `remaining` body bytes as have arrived; returns how many are to come.
    private mutating func skipBody(_ remaining: Int) -> Int {
        let taken = min(remaining, buffer.readableBytes)
        buffer.moveReaderIndex(forwardBy: taken)
        current?.bodyBytes += taken
        return remaining - taken
    }

    /// The offset just past the head's blank line, if the head has arrived.
    private func headEnd() -> Int? {
        let view = buffer.readableBytesView
        guard view.count >= 4 else { return nil }
        var index = view.startIndex
        while index + 3 < view.endIndex {
            if view[index] == 13 && view[index + 1] == 10 && view[index + 2] == 13 && view[index + 3] == 10 {
                return index + 4 - view.startIndex
            }
            index += 1
        }
        return nil
    }

    private mutating func readLine() -> [UInt8]? {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: 10) else { return nil }
        var line = Array(view[view.startIndex..<newline])
        if line.last == 13 { line.removeLast() }
        buffer.moveReaderIndex(forwardBy: newline + 1 - view.startIndex)
        return line
    }

    private mutating func begin(_ head: ByteBuffer, bodiless: Bool) throws(Failure) {
        let view = head.readableBytesView
        // "HTTP/1.1 200 OK": the version, then a three-digit status.
        guard view.count >= 12, view.starts(with: Self.versionPrefix) else {
            throw .malformed("the response does not start with HTTP/1.x")
        }
        let minor = view[view.startIndex + 7]
        let digits = view[(view.startIndex + 9)..<(view.startIndex + 12)]
        guard view[view.startIndex + 8] == 32, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .malformed("the status line has no three-digit status")
        }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        let fields = Self.framingFields(of: view)
        let keepAlive = fields.keepAlive ?? (minor != UInt8(ascii: "0"))
        current = Parsed(status: status, head: head, bodyBytes: 0, keepAlive: keepAlive)
        if (100..<200).contains(status) && status != 101 {
            // An interim answer: the real one follows.
            current = nil
            return
        }
        if bodiless || status == 204 || status == 304 {
            state = .body(remaining: 0)
        } else if fields.chunked {
            state = .chunkSize
        } else if let length = fields.contentLength {
            state = .body(remaining: length)
        } else {
            current?.keepAlive = false
            state = .untilClose
        }
    }

    private mutating func complete() -> Parsed? {
        state = .head
        defer { current = nil }
        return current
    }

    private static let versionPrefix = Array("HTTP/1.".utf8)
}
