import Foundation

/// Reads JSON Lines: one JSON object per line, blank lines skipped. Each object becomes a
/// record keyed by field name; numbers and booleans become their JSON text, so a label
/// written `0` in JSON Lines matches the `0` of the same data as CSV.
public enum JSONLinesReader {
    public struct Record: Sendable {
        public var fields: [String: String]
        public var line: Int
    }

    public static func parse(_ bytes: [UInt8], path: String) throws(DataError) -> [Record] {
        var records: [Record] = []
        var lineNumber = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start <= bytes.count {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let lineBytes = bytes[start..<end]
            start = end + 1
            if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            guard String(validating: lineBytes, as: UTF8.self) != nil else {
                throw .invalidUTF8(path: path, line: lineNumber, field: 1)
            }
            let object: [String: JSONScalar]
            do {
                object = try JSONDecoder().decode([String: JSONScalar].self, from: Data(lineBytes))
            } catch DecodingError.typeMismatch {
                throw .invalidJSON(path: path, line: lineNumber, reason: "the line is JSON but not an object")
            } catch {
                throw .invalidJSON(path: path, line: lineNumber, reason: "malformed JSON")
            }
            let fields = object.compactMapValues(\.text)
            records.append(Record(fields: fields, line: lineNumber))
        }
        guard !records.isEmpty else { throw .emptyFile(path: path) }
        return records
    }

}

/// A JSON value as the text a CSV cell would hold: strings as they are, numbers and booleans
/// as JSON writes them; null, arrays and objects have none.
private struct JSONScalar: Decodable {
    var text: String?

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let bool = try? container.decode(Bool.self) {
            text = bool ? "true" : "false"
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else if let double = try? container.decode(Double.self) {
            text = double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : String(double)
        } else {
            text = nil
        }
    }
}
