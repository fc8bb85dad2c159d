import Digests
import Foundation

/// Texts with their raw labels, read from a CSV or JSON Lines file, with the evidence a model
/// manifest records about where its training data came from.
public struct LabeledDataset: Sendable {
    public struct Example: Sendable, Equatable {
        public var text: String
        public var label: String
        public var line: Int

        package init(text: String, label: String, line: Int) {
            self.text = text
            self.label = label
            self.line = line
        }
    }

    /// Why rows were left out when the user asked for invalid rows to be skipped.
    public struct SkippedRows: Sendable, Codable, Equatable {
        public var emptyText = 0
        public var missingLabel = 0

        public var total: Int { emptyText + missingLabel }

        package init(emptyText: Int = 0, missingLabel: Int = 0) {
            self.emptyText = emptyText
            self.missingLabel = missingLabel
        }
    }

    public var path: String
    public var examples: [Example]
    public var skipped: SkippedRows
    /// SHA-256 of the file's bytes, hex.
    public var sha256: String

    package init(path: String, examples: [Example], skipped: SkippedRows, sha256: String) {
        self.path = path
        self.examples = examples
        self.skipped = skipped
        self.sha256 = sha256
    }

    /// Reads `path`, JSON Lines if it ends in `.jsonl` or `.ndjson`, CSV otherwise.
    ///
    /// - Parameter labelColumn: nil reads texts only (labels are then empty).
    /// - Parameter skipInvalidRows: skip (and count) rows with an empty text or label instead
    ///   of failing on the first one.
    public static func read(
        path: String,
        textColumn: String,
        labelColumn: String?,
        skipInvalidRows: Bool = false
    ) throws(DataError) -> LabeledDataset {
        let bytes = try readBytes(path)
        guard !bytes.isEmpty else { throw .emptyFile(path: path) }
        let rows = try records(bytes, path: path, columns: [textColumn] + (labelColumn.map { [$0] } ?? []))
        var examples: [Example] = []
        var skipped = SkippedRows()
        examples.reserveCapacity(rows.count)
        for row in rows {
            let text = row.values[0]
            if text.allSatisfy(\.isWhitespace) {
                guard skipInvalidRows else { throw .emptyText(path: path, line: row.line, column: textColumn) }
                skipped.emptyText += 1
                continue
            }
            var label = ""
            if let labelColumn {
                label = row.values[1].trimmingCharacters(in: .whitespaces)
                if label.isEmpty {
                    guard skipInvalidRows else { throw .missingLabel(path: path, line: row.line, column: labelColumn) }
                    skipped.missingLabel += 1
                    continue
                }
            }
            examples.append(Example(text: text, label: label, line: row.line))
        }
        guard !examples.isEmpty else { throw .noUsableRows(path: path) }
        let digest = sha256Hex(bytes)
        return LabeledDataset(path: path, examples: examples, skipped: skipped, sha256: digest)
    }

    static func readBytes(_ path: String) throws(DataError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or I/O error")
        }
        return [UInt8](data)
    }

    private struct Row {
        var values: [String]
        var line: Int
    }

    private static func records(_ bytes: [UInt8], path: String, columns: [String]) throws(DataError) -> [Row] {
        let lowercasedPath = path.lowercased()
        if lowercasedPath.hasSuffix(".jsonl") || lowercasedPath.hasSuffix(".ndjson") {
            let records = try JSONLinesReader.parse(bytes, path: path)
            for column in columns where !records.contains(where: { $0.fields[column] != nil }) {
                let available = Set(records.flatMap(\.fields.keys)).sorted()
                throw .missingColumn(path: path, column: column, available: available)
            }
            return records.map { record in
                Row(values: columns.map { record.fields[$0] ?? "" }, line: record.line)
            }
        }
        let table = try CSVReader.parse(bytes, path: path)
        var positions: [Int] = []
        for column in columns {
            guard let position = table.header.firstIndex(of: column) else {
                throw .missingColumn(path: path, column: column, available: table.header)
            }
            positions.append(position)
        }
        guard !table.records.isEmpty else { throw .emptyFile(path: path) }
        return table.records.map { record in
            Row(values: positions.map { record.fields[$0] }, line: record.line)
        }
    }
}
