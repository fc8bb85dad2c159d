import Classifiers
import JSONValues
import Testing

struct JSONSerializationTests {
    /// Serializing a parsed document and parsing it again gives the same value, for the random
    /// documents the parser is checked on (escapes, non-ASCII text, every value kind).
    @Test func roundTripsRandomDocuments() throws {
        var generator = SeededGenerator(seed: 20_261_203)
        for _ in 0..<2_000 {
            let value = try JSONParser.parse(Array(JSONParserTests.randomValue(depth: 0, using: &generator).utf8))
            #expect(try JSONParser.parse(Array(value.serialized.utf8)) == value, "\(value.serialized)")
        }
    }

    @Test func writesCompactTextWithSortedKeys() {
        let value = JSONValue.object([
            "b": .array([.number(1), .number(2.5), .null, .bool(false)]), "a": .string("q\"\n"), "c": .number(.nan),
        ])
        #expect(value.serialized == #"{"a":"q\"\n","b":[1,2.5,null,false],"c":null}"#)
    }
}
