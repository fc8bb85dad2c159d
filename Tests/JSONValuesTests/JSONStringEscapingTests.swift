import JSONValues
import Testing

/// Escaped text between quotes parses back, with the strict parser, to the same text.
@Suite struct JSONStringEscapingTests {
    @Test func escapedTextParsesBackToItself() throws {
        var texts = ["\"quoted\"", "back\\slash", "tab\tnewline\ncarriage\r", "emoji 😂 and é", "", "/slash/"]
        texts.append(String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }))
        for text in texts {
            let literal = "\"" + JSONStringEscaping.escaped(text) + "\""
            #expect(try JSONParser.parse(Array(literal.utf8)) == .string(text), "\(literal)")
        }
        #expect(JSONStringEscaping.escaped("a\u{1}b") == "a\\u0001b")
    }
}
