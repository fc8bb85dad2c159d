/// Everything that can be wrong with a data file, each case naming the file, the line and the
/// field at fault so the user can open the file and fix it.
public enum DataError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case invalidUTF8(path: String, line: Int, field: Int)
    case unterminatedQuote(path: String, line: Int)
    case unexpectedCharacterAfterQuote(path: String, line: Int, field: Int)
    case raggedRow(path: String, line: Int, expected: Int, found: Int)
    case duplicateColumn(path: String, column: String)
    case missingColumn(path: String, column: String, available: [String])
    case emptyText(path: String, line: Int, column: String)
    case missingLabel(path: String, line: Int, column: String)
    case unknownLabel(path: String, line: Int, column: String, label: String, known: [String])
    case invalidJSON(path: String, line: Int, reason: String)
    case invalidFieldType(path: String, line: Int, field: String, expected: String)
    case noUsableRows(path: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .unreadable(let path, let reason):
            return "\(path): cannot read the file (\(reason))"
        case .emptyFile(let path):
            return "\(path): the file is empty; expected a header row and at least one data row"
        case .invalidUTF8(let path, let line, let field):
            return "\(path):\(line): field \(field) is not valid UTF-8; re-encode the file as UTF-8"
        case .unterminatedQuote(let path, let line):
            return "\(path):\(line): a quoted field starting on this line is never closed"
        case .unexpectedCharacterAfterQuote(let path, let line, let field):
            return "\(path):\(line): field \(field) has text after its closing quote; write a quote inside a quoted field as \"\""
        case .raggedRow(let path, let line, let expected, let found):
            return "\(path):\(line): expected \(expected) fields as in the header, found \(found)"
        case .duplicateColumn(let path, let column):
            return "\(path): the header names column '\(column)' twice"
        case .missingColumn(let path, let column, let available):
            return "\(path): no column '\(column)'; the file has: \(available.map { "'\($0)'" }.joined(separator: ", "))"
        case .emptyText(let path, let line, let column):
            return "\(path):\(line): field '\(column)' is empty or only whitespace (pass --skip-invalid-rows to skip such rows)"
        case .missingLabel(let path, let line, let column):
            return "\(path):\(line): field '\(column)' has no label (pass --skip-invalid-rows to skip such rows)"
        case .unknownLabel(let path, let line, let column, let label, let known):
            return
                "\(path):\(line): field '\(column)' has label '\(label)', which the model does not know; known labels: \(known.joined(separator: ", "))"
        case .invalidJSON(let path, let line, let reason):
            return "\(path):\(line): not a JSON object (\(reason))"
        case .invalidFieldType(let path, let line, let field, let expected):
            return "\(path):\(line): field '\(field)' must be \(expected)"
        case .noUsableRows(let path):
            return "\(path): no usable rows left after skipping invalid ones"
        }
    }
}
