import Foundation
import Gateway
import Logging
import Testing

/// The server's log lines, checked on their own: valid JSON whatever the message holds, and
/// timestamps that log collectors parse as ISO 8601.
@Suite struct JSONLogHandlerTests {
    @Test func escapesEverythingJSONRequires() throws {
        let awkward = "quote \" backslash \\ newline \n return \r tab \t bell \u{07} nul \u{00} é 🙂"
        let handler = JSONLogHandler(label: "test")
        let line = handler.line(
            LogEvent(
                level: .info, message: "request", metadata: ["text": .string(awkward)], source: "test", file: #file,
                function: #function, line: #line))
        #expect(line.last == 0x0A && !line.dropLast().contains(0x0A) && !line.contains(0x00))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
        #expect(object["text"] == awkward && object["message"] == "request" && object["level"] == "info")
        #expect(Array(object.keys).sorted() == ["label", "level", "message", "text", "timestamp"])
    }

    /// Lines logged from many threads come out whole and in the order each thread logged them,
    /// once flushed.
    @Test func bufferedLinesComeOutWholeAndInOrder() throws {
        let pipe = Pipe()
        let output = BufferedLogOutput(
            descriptor: pipe.fileHandleForWriting.fileDescriptor, interval: .seconds(3600), limit: 4096)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for number in 0..<500 { output.append(Array("{\"thread\":\(thread),\"n\":\(number)}\n".utf8)) }
        }
        output.flush()
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2000)
        var last: [Int: Int] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Int])
            let (thread, number) = (object["thread"]!, object["n"]!)
            #expect(number == (last[thread] ?? -1) + 1, "thread \(thread): \(number) after \(last[thread] ?? -1)")
            last[thread] = number
        }
    }

    @Test func timestampsAreISO8601InUTCWithMilliseconds() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let instants = [
            0, 951_782_400.5, 1_795_340_020.846, 4_102_444_799.999, -1.25, -86_400 * 365.0,
        ].map(Date.init(timeIntervalSince1970:))
        for instant in instants {
            let text = JSONLogHandler.timestamp(instant)
            #expect(text.count == 24 && text.hasSuffix("Z"), "\(text)")
            let parsed = try #require(formatter.date(from: text), "\(text)")
            #expect(abs(parsed.timeIntervalSince(instant)) < 0.001, "\(text) for \(instant.timeIntervalSince1970)")
            #expect(parsed <= instant, "\(text) rounds down")
        }
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
    }
}
