import Foundation
import JSONValues

/// A JSON object from a model folder's settings file, with typed reads that name the file and
/// key at fault when a value is missing or of the wrong type.
struct JSONFile {
    let path: String
    let key: String
    let values: [String: JSONValue]

    static func read(_ url: URL) throws(TokenizerError) -> JSONFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let bytes = [UInt8](data)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .malformedFile(path: url.path, reason: "not UTF-8 text")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .malformedFile(path: url.path, reason: error.reason) }
        guard case .object(let values) = value else { throw .malformedFile(path: url.path, reason: "not a JSON object") }
        return JSONFile(path: url.path, key: "", values: values)
    }

    static func readIfPresent(_ url: URL) throws(TokenizerError) -> JSONFile? {
        FileManager.default.fileExists(atPath: url.path) ? try read(url) : nil
    }

    func name(_ field: String) -> String { key.isEmpty ? field : "\(key).\(field)" }

    private func wrongType(_ field: String, _ kind: String) -> TokenizerError {
        .malformedFile(path: path, reason: "\(name(field)) must be \(kind)")
    }

    func optionalString(_ field: String) throws(TokenizerError) -> String? {
        switch values[field] {
        case nil, .null: return nil
        case .string(let text): return text
        default: throw wrongType(field, "a string")
        }
    }

    func optionalBool(_ field: String) throws(TokenizerError) -> Bool? {
        switch values[field] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        default: throw wrongType(field, "true, false or null")
        }
    }

    func optionalInt(_ field: String) throws(TokenizerError) -> Int? {
        switch values[field] {
        case nil, .null: return nil
        case .number(let number):
            guard let integer = Self.integer(number) else { throw wrongType(field, "an integer") }
            return integer
        default: throw wrongType(field, "an integer")
        }
    }

    func optionalArray(_ field: String) throws(TokenizerError) -> [JSONValue]? {
        switch values[field] {
        case nil, .null: return nil
        case .array(let elements): return elements
        default: throw wrongType(field, "an array")
        }
    }

    func optionalObject(_ field: String) throws(TokenizerError) -> JSONFile? {
        switch values[field] {
        case nil, .null: return nil
        case .object(let members): return JSONFile(path: path, key: name(field), values: members)
        default: throw wrongType(field, "an object")
        }
    }

    func string(_ field: String) throws(TokenizerError) -> String {
        guard let value = try optionalString(field) else { throw missing(field) }
        return value
    }

    func int(_ field: String) throws(TokenizerError) -> Int {
        guard let value = try optionalInt(field) else { throw missing(field) }
        return value
    }

    func object(_ field: String) throws(TokenizerError) -> JSONFile {
        guard let value = try optionalObject(field) else { throw missing(field) }
        return value
    }

    /// A special token given as a string or as `{"content": "..."}`, the two forms
    /// transformers writes.
    func tokenString(_ field: String) throws(TokenizerError) -> String? {
        if case .string(let text) = values[field] { return text }
        return try optionalObject(field)?.optionalString("content")
    }

    /// `number` as an `Int` when it is a whole number in range.
    static func integer(_ number: Double) -> Int? {
        guard number.rounded() == number, abs(number) < 1e15 else { return nil }
        return Int(number)
    }

    private func missing(_ field: String) -> TokenizerError { .malformedFile(path: path, reason: "\(name(field)) is missing") }
}
