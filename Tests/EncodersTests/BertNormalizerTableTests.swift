import Encoders
import Foundation
import MagpieTestSupport
import Testing

/// Every Unicode scalar through the normalizer and the pre-tokenizer's character classes,
/// against the reference's own per-scalar behaviour (`tokenizer/normalizer-table.json`): checks
/// the generated tables, the ASCII shortcuts and the Hangul decomposition, which the table
/// leaves out.
@Suite struct BertNormalizerTableTests {
    /// The reference table as one byte of flags per code point.
    struct Table {
        static let removed: UInt8 = 1, whitespace: UInt8 = 2, chinese: UInt8 = 4, stripRemoved: UInt8 = 8, splitting: UInt8 = 16,
            punctuation: UInt8 = 32
        var flags = [UInt8](repeating: 0, count: 0x110000)
        var mapping: [UInt32: [UInt32]] = [:]

        init() throws {
            let json = try ReferenceFiles.testVectorJSON("tokenizer/normalizer-table.json")
            for (key, flag) in [
                ("clean_removed", Self.removed), ("clean_whitespace", Self.whitespace), ("chinese", Self.chinese),
                ("strip_lower_removed", Self.stripRemoved), ("pretok_whitespace", Self.splitting),
                ("pretok_punctuation", Self.punctuation),
            ] {
                let ranges = try #require(json[key] as? [[Int]], "\(key)")
                for range in ranges { for value in range[0]...range[1] { flags[value] |= flag } }
            }
            for entry in json["strip_lower_mapping"] as? [[Int]] ?? [] {
                mapping[UInt32(entry[0])] = entry.dropFirst().map { UInt32($0) }
            }
            #expect(mapping.count == 3_150)
        }

        func has(_ value: UInt32, _ flag: UInt8) -> Bool { flags[Int(value)] & flag != 0 }

        /// What the reference makes of `value` alone, from the table.
        func normalized(_ value: UInt32) -> [UInt32] {
            if has(value, Self.removed) { return [] }
            if has(value, Self.whitespace) { return [0x20] }
            let form: [UInt32]
            if (0xAC00...0xD7A3).contains(value) {
                form = String(Unicode.Scalar(value)!).decomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
            } else if has(value, Self.stripRemoved) {
                form = []
            } else {
                form = mapping[value] ?? [value]
            }
            return has(value, Self.chinese) ? [0x20] + form + [0x20] : form
        }
    }

    @Test func normalizerTreatsEveryScalarAsTheReferenceDoes() throws {
        let table = try Table()
        let normalizer = BertNormalizer()
        var output: [Unicode.Scalar] = []
        var mismatches: [String] = []
        var examined = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            examined += 1
            output.removeAll(keepingCapacity: true)
            normalizer.normalize(scalar, appendingTo: &output)
            if output.map(\.value) != table.normalized(value) { mismatches.append(String(value, radix: 16)) }
        }
        #expect(examined == 1_112_064)
        #expect(mismatches.isEmpty, "\(mismatches.count) scalars differ, e.g. U+\(mismatches.prefix(10))")
    }

    @Test func preTokenizerSplitsWhereTheReferenceDoes() throws {
        let table = try Table()
        var mismatches: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let splits = table.has(value, Table.splitting)
            let isPunctuation = table.has(value, Table.punctuation)
            if BertCharacters.isSplittingWhitespace(scalar) != splits || BertCharacters.isPunctuation(scalar) != isPunctuation {
                mismatches.append(String(value, radix: 16))
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) scalars differ, e.g. U+\(mismatches.prefix(10))")
    }
}
