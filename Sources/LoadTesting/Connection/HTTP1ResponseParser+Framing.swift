import NIOCore
import NIOHTTP1

extension HTTP1ResponseParser {
    /// What the fields that frame the body say, read from the head's bytes without building
    /// strings: this runs for every response.
    static func framingFields(of head: ByteBufferView) -> Framing {
        var framing = Framing()
        var lineStart = head.startIndex
        while let newline = head[lineStart...].firstIndex(of: 10) {
            defer { lineStart = newline + 1 }
            guard lineStart != head.startIndex, let colon = head[lineStart..<newline].firstIndex(of: UInt8(ascii: ":"))
            else { continue }
            let name = head[lineStart..<colon]
            var value = head[(colon + 1)..<newline]
            while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
            while let last = value.last, last == 32 || last == 9 || last == 13 { value = value.dropLast() }
            if equalsIgnoringCase(name, "content-length") {
                guard !value.isEmpty, value.allSatisfy({ $0 >= 48 && $0 <= 57 }), value.count < 16 else { continue }
                framing.contentLength = value.reduce(0) { $0 * 10 + Int($1 - 48) }
            } else if equalsIgnoringCase(name, "transfer-encoding") {
                framing.chunked = value.count >= 7 && equalsIgnoringCase(value.suffix(7), "chunked")
            } else if equalsIgnoringCase(name, "connection") {
                if contains(value, "close") {
                    framing.keepAlive = false
                } else if contains(value, "keep-alive") {
                    framing.keepAlive = true
                }
            }
        }
        return framing
    }

    struct Framing {
        var contentLength: Int?
        var chunked = false
        /// What `Connection` says, when it says close or keep-alive.
        var keepAlive: Bool?
    }

    static func equalsIgnoringCase(_ bytes: ByteBufferView.SubSequence, _ lowercased: StaticString) -> Bool {
        bytes.count == lowercased.utf8CodeUnitCount
            && lowercased.withUTF8Buffer { expected in zip(bytes, expected).allSatisfy { ($0 | 0x20) == $1 } }
    }

    static func contains(_ bytes: ByteBufferView.SubSequence, _ lowercased: StaticString) -> Bool {
        let length = lowercased.utf8CodeUnitCount
        guard bytes.count >= length else { return false }
        var start = bytes.startIndex
        while start + length <= bytes.endIndex {
            if equalsIgnoringCase(bytes[start..<(start + length)], lowercased) { return true }
            start += 1
        }
        return false
    }
}

extension HTTP1ResponseParser {
    /// A head's fields, parsed on demand (the cold-start probe reads its timing headers).
    package static func headers(of head: ByteBuffer) -> HTTPHeaders {
        var headers = HTTPHeaders()
        let text = String(decoding: head.readableBytesView, as: UTF8.self)
        for line in text.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingSpaces)
        }
        return headers
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars.removeFirst() }
        while scalars.last == " " || scalars.last == "\t" || scalars.last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}
