import LoadTesting
import NIOCore
import Testing

/// The generator's response reader on the framings servers use, fed whole and one byte at a
/// time (as TCP may deliver them).
@Suite struct HTTP1ResponseParserTests {
    struct Read: Equatable {
        var status: Int
        var bodyBytes: Int
        var keepAlive: Bool
    }

    static func read(_ text: String, bodiless: Bool = false, byteByByte: Bool) throws -> [Read] {
        var parser = HTTP1ResponseParser()
        var reads: [Read] = []
        let chunks: [[UInt8]] = byteByByte ? Array(text.utf8).map { [$0] } : [Array(text.utf8)]
        for chunk in chunks {
            var buffer = ByteBuffer(bytes: chunk)
            reads += try parser.feed(&buffer, bodiless: bodiless).map {
                Read(status: $0.status, bodyBytes: $0.bodyBytes, keepAlive: $0.keepAlive)
            }
        }
        if let last = parser.finishAtClose() {
            reads.append(Read(status: last.status, bodyBytes: last.bodyBytes, keepAlive: last.keepAlive))
        }
        return reads
    }

    @Test(arguments: [false, true]) func framings(byteByByte: Bool) throws {
        let lengths =
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
            + "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 2\r\nConnection: keep-alive\r\n\r\n{}"
        #expect(
            try Self.read(lengths, byteByByte: byteByByte) == [
                Read(status: 200, bodyBytes: 5, keepAlive: true), Read(status: 429, bodyBytes: 2, keepAlive: true),
            ])
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-T: 1\r\n\r\n"
        #expect(try Self.read(chunked, byteByByte: byteByByte) == [Read(status: 200, bodyBytes: 9, keepAlive: true)])
        let interim = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
        #expect(try Self.read(interim, byteByByte: byteByByte) == [Read(status: 204, bodyBytes: 0, keepAlive: true)])
        let closing = "HTTP/1.0 200 OK\r\n\r\nuntil the end"
        #expect(try Self.read(closing, byteByByte: byteByByte) == [Read(status: 200, bodyBytes: 13, keepAlive: false)])
        let closed = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        #expect(try Self.read(closed, byteByByte: byteByByte) == [Read(status: 503, bodyBytes: 0, keepAlive: false)])
    }

    @Test func aHeadResponseHasNoBodyWhateverItsLength() throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
        #expect(try Self.read(head, bodiless: true, byteByByte: false) == [Read(status: 200, bodyBytes: 0, keepAlive: true)])
    }

    @Test func headersAreParsedOnDemand() throws {
        var parser = HTTP1ResponseParser()
        var buffer = ByteBuffer(
            string: "HTTP/1.1 200 OK\r\nServer-Timing: load;dur=12.5\r\nX-Magpie-Cold-Start:  true \r\nContent-Length: 0\r\n\r\n")
        let response = try #require(try parser.feed(&buffer, bodiless: false).first)
        let headers = HTTP1ResponseParser.headers(of: response.head)
        #expect(headers["Server-Timing"] == ["load;dur=12.5"] && headers["x-magpie-cold-start"] == ["true"])
    }

    @Test func malformedResponsesAreErrors() {
        for text in [
            "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ] {
            #expect(throws: HTTP1ResponseParser.Failure.self, "\(text)") { try Self.read(text, byteByByte: false) }
        }
        var parser = HTTP1ResponseParser()
        var endless = ByteBuffer(string: "HTTP/1.1 200 OK\r\n" + String(repeating: "X-A: b\r\n", count: 10_000))
        #expect(throws: HTTP1ResponseParser.Failure.headTooLarge) { try parser.feed(&endless, bodiless: false) }
    }
}
