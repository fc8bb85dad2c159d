/// A parsed CSV table: the header and every data record with the line it starts on.
public struct CSVTable: Sendable {
    public var header: [String]
    public var records: [Record]

    public struct Record: Sendable, Equatable {
        public var fields: [String]
        /// The 1-based line the record starts on; a quoted field may span several lines.
        public var line: Int
    }
}

/// An RFC 4180 reader: a header row, fields separated by commas, quoted fields that may hold
/// commas, doubled quotes and line breaks, CRLF or LF line ends, a UTF-8 byte-order mark
/// tolerated. Blank lines are skipped. Every field must be valid UTF-8 and every record must
/// have as many fields as the header.
public enum CSVReader {
    public static func parse(_ bytes: [UInt8], path: String) throws(DataError) -> CSVTable {
        var parser = Parser(bytes: bytes, path: path)
        var records = try parser.records()
        guard !records.isEmpty else { throw .emptyFile(path: path) }
        let header = records.removeFirst()
        var seen = Set<String>()
        for name in header.fields where !seen.insert(name).inserted && !name.isEmpty {
            throw .duplicateColumn(path: path, column: name)
        }
        for record in records where record.fields.count != header.fields.count {
            throw .raggedRow(path: path, line: record.line, expected: header.fields.count, found: record.fields.count)
        }
        return CSVTable(header: header.fields, records: records)
    }

    private struct Parser {
        let bytes: [UInt8]
        let path: String
        var position = 0
        var line = 1

        init(bytes: [UInt8], path: String) {
            self.bytes = bytes
            self.path = path
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        mutating func records() throws(DataError) -> [CSVTable.Record] {
            var records: [CSVTable.Record] = []
            while position < bytes.count {
                let startLine = line
                if let record = try nextRecord() {
                    records.append(CSVTable.Record(fields: record, line: startLine))
                }
            }
            return records
        }

        /// One record, or nil for a blank line.
        mutating func nextRecord() throws(DataError) -> [String]? {
            var fields: [String] = []
            var field: [UInt8] = []
            let recordLine = line
            if consumeLineEnd() { return nil }
            while true {
                field.removeAll(keepingCapacity: true)
                if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                    try readQuoted(into: &field, fieldNumber: fields.count + 1, recordLine: recordLine)
                } else {
                    while position < bytes.count, bytes[position] != UInt8(ascii: ","),
                        bytes[position] != UInt8(ascii: "\n"), bytes[position] != UInt8(ascii: "\r")
                    {
                        field.append(bytes[position])
                        position += 1
                    }
                }
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw .invalidUTF8(path: path, line: recordLine, field: fields.count + 1)
                }
                fields.append(text)
                if position < bytes.count, bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                _ = consumeLineEnd()
                return fields
            }
        }

        mutating func readQuoted(into field: inout [UInt8], fieldNumber: Int, recordLine: Int) throws(DataError) {
            position += 1
            while true {
                guard position < bytes.count else { throw .unterminatedQuote(path: path, line: recordLine) }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        position += 2
                        continue
                    }
                    position += 1
                    if position < bytes.count,
                        ![UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[position])
                    {
                        throw .unexpectedCharacterAfterQuote(path: path, line: line, field: fieldNumber)
                    }
                    return
                }
                if byte == UInt8(ascii: "\n") { line += 1 }
                field.append(byte)
                position += 1
            }
        }

        /// Consumes one line end (LF, CRLF or lone CR) if there is one.
        mutating func consumeLineEnd() -> Bool {
            guard position < bytes.count else { return false }
            if bytes[position] == UInt8(ascii: "\r") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "\n") { position += 1 }
                line += 1
                return true
            }
            if bytes[position] == UInt8(ascii: "\n") {
                position += 1
                line += 1
                return true
            }
            return false
        }
    }
}
