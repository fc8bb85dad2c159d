import Foundation
import Gateway
import Testing

/// The server's log lines, checked on their own: valid JSON whatever the message holds, and
/// timestamps that log collectors parse as ISO 8601.
@Suite struct JSONLogHandlerTests {
    @Test func escapesEverythingJSONRequires() throws {
        let awkward = "quote \" backslash \\ newline \n return \r tab \t bell \u{07} nul \u{00} é 🙂"
        var line: [UInt8] = []
        JSONLogHandler.appendString(awkward, to: &line)
        let decoded = try JSONDecoder().decode(String.self, from: Data(line))
        #expect(decoded == awkward)
        #expect(!line.contains(0x0A) && !line.contains(0x00))
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
