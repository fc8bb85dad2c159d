import Classifiers
import Foundation
import JSONValues
import Testing

/// `JSONParser` against Foundation's `JSONDecoder`, the parser it replaced: the same values
/// for valid documents, a refusal wherever Foundation refuses, and two refusals more.
@Suite struct JSONParserTests {
    /// Foundation's reading of a document, in `JSONValue`'s terms.
    struct Reference: Decodable, Equatable {
        var value: JSONValue

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .null
            } else if let string = try? container.decode(String.self) {
                value = .string(string)
            } else if let object = try? container.decode([String: Reference].self) {
                value = .object(object.mapValues(\.value))
            } else if let array = try? container.decode([Reference].self) {
                value = .array(array.map(\.value))
            } else if let bool = try? container.decode(Bool.self) {
                value = .bool(bool)
            } else {
                value = .number(try container.decode(Double.self))
            }
        }
    }

    static func reference(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(Reference.self, from: Data(text.utf8)).value
    }

    static func parsed(_ text: String) -> JSONValue? {
        try? JSONParser.parse(Array(text.utf8))
    }

    static let valid = [
        #"{"text": "I love you all"}"#, #"{"texts": ["a", "b", "c"]}"#, #"{"inputs": "x"}"#, "{}", "[]", " \t\r\n{ } ",
        #"{"a": {"b": {"c": [1, 2, [3, [4, {}]]]}}}"#, #"{"k": true, "l": false, "m": null}"#,
        #"["\"", "\\", "\/", "\b", "\f", "\n", "\r", "\t", "\u0000", "\u00e9", "\u20AC", "\uD83D\uDE02"]"#,
        #"{"tweet": "RT @user: &amp; 😂 #hash \u00e9t\u00E9 … done"}"#,
        "[0, -0, 1, -1, 12.5, -0.25, 1e3, 1E-3, 2.5e+10, 123456789012345678901234567890, 4.9e-324, 1.7976931348623157e308]",
        #""top-level string""#, "42", "true", "null",
        #"{"": "empty name", " ": " "}"#, "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
    ]

    @Test(arguments: valid)
    func readsValidDocumentsAsFoundationDoes(_ text: String) throws {
        let reference = try #require(Self.reference(text), "Foundation refused a document meant to be valid")
        #expect(try JSONParser.parse(Array(text.utf8)) == reference)
    }

    static let invalid = [
        "", " ", "{", "}", "[", "]", "[,1]", #"{"a":}"#, #"{"a" 1}"#, "{a: 1}", "{'a': 1}",
        "[1 2]", "[1]x", "{} {}", "01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity",
        "1e999", "tru", "nul", "True", #""abc"#, #""\x""#, #""\u12""#, #""\u12G4""#, #""\uD800""#, #""\uDC00""#,
        #""\uD800\u0041""#, #""\uD800x""#, "\"a\u{01}b\"", "\"tab\there\"", "\"line\nbreak\"",
        String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
    ]

    @Test(arguments: invalid)
    func refusesWhatFoundationRefuses(_ text: String) {
        #expect(Self.reference(text) == nil, "Foundation accepted a document meant to be invalid")
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    /// Foundation reads these; RFC 8259 has no trailing commas, and a duplicate name could
    /// make something in front of Magpie read a different text from the one classified.
    @Test(arguments: ["[1,]", #"{"a": 1,}"#, #"{"text": "a", "text": "b"}"#, #"{"x": {"a": 1, "b": 2, "a": 3}}"#])
    func isStricterThanFoundationOnTrailingCommasAndDuplicateNames(_ text: String) {
        #expect(Self.reference(text) != nil)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    /// Random documents mixing every value kind, escapes, non-ASCII text and whitespace.
    @Test func agreesWithFoundationOnRandomDocuments() throws {
        var generator = SeededGenerator(seed: 20_261_122)
        for _ in 0..<2_000 {
            let text = Self.randomValue(depth: 0, using: &generator)
            let reference = try #require(Self.reference(text), "generated an invalid document: \(text)")
            #expect(try JSONParser.parse(Array(text.utf8)) == reference, "\(text)")
        }
    }

    @Test func nestsUpToTheMaximumDepth() throws {
        let depth = JSONParser.maximumDepth
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try JSONParser.parse(Array(deepest.utf8)) }
        let deeper = "[" + deepest + "]"
        #expect(throws: JSONParser.Failure(reason: "nesting deeper than 512 levels at byte 512")) {
            try JSONParser.parse(Array(deeper.utf8))
        }
    }

    @Test func namesTheFaultAndItsByte() {
        #expect(throws: JSONParser.Failure(reason: "unexpected 'x'; expected a value at byte 9")) {
            try JSONParser.parse(Array(#"{"text": x}"#.utf8))
        }
        #expect(throws: JSONParser.Failure(reason: "unexpected end of input inside a string at byte 13")) {
            try JSONParser.parse(Array(#"{"text": "abc"#.utf8))
        }
        #expect(throws: JSONParser.Failure(reason: "unpaired UTF-16 surrogate \\uD83D at byte 1")) {
            try JSONParser.parse(Array(#""\uD83Dx""#.utf8))
        }
        #expect(throws: JSONParser.Failure(reason: "duplicate member name at byte 14")) {
            try JSONParser.parse(Array(#"{"text": "a", "text": "b"}"#.utf8))
        }
        #expect(throws: JSONParser.Failure(reason: "unescaped control character U+0001 in a string at byte 2")) {
            try JSONParser.parse(Array("\"a\u{01}\"".utf8))
        }
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> String {
        let kind = Int.random(in: 0..<(depth < 4 ? 8 : 6), using: &generator)
        let space = [" ", "", "\n", "\t", "\r\n  "].randomElement(using: &generator)!
        switch kind {
        case 0: return "null"
        case 1: return Bool.random(using: &generator) ? "true" : "false"
        case 2: return randomNumber(using: &generator)
        case 3, 4, 5: return randomString(using: &generator)
        case 6:
            let count = Int.random(in: 0..<4, using: &generator)
            let elements = (0..<count).map { _ in space + randomValue(depth: depth + 1, using: &generator) + space }
            return "[" + elements.joined(separator: ",") + "]"
        default:
            let count = Int.random(in: 0..<4, using: &generator)
            let members = (0..<count).map { index in
                space + randomString(suffix: "#\(index)", using: &generator) + space + ":" + space
                    + randomValue(depth: depth + 1, using: &generator)
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    static func randomNumber(using generator: inout SeededGenerator) -> String {
        var text = Bool.random(using: &generator) ? "-" : ""
        text += Bool.random(using: &generator) ? "0" : String(Int.random(in: 1...999_999, using: &generator))
        if Bool.random(using: &generator) { text += "." + String(Int.random(in: 0...99_999, using: &generator)) }
        if Bool.random(using: &generator) {
            text +=
                ["e", "E", "e+", "e-", "E-"].randomElement(using: &generator)!
                + String(Int.random(in: 0...300, using: &generator))
        }
        return text
    }

    /// `suffix` makes member names unique: the parser refuses duplicates (see above).
    static func randomString(suffix: String = "", using generator: inout SeededGenerator) -> String {
        let pieces = [
            "a", "Z", "7", " ", "é", "€", "😂", "中", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041",
            "\\u00e9", "\\u20ac", "\\uD83D\\uDE02", "\\u0000", "\\u001f", "#", "@", "'",
        ]
        let count = Int.random(in: 0..<12, using: &generator)
        return "\"" + (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined() + suffix + "\""
    }
}
