import Foundation

/// A JSON object from a model folder's settings file, with typed reads that name the file and
/// key at fault when a value is missing or of the wrong type.
struct JSONFile {
    let path: String
    let key: String
    let values: [String: Any]

    static func read(_ url: URL) throws(TokenizerError) -> JSONFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let values = object as? [String: Any] else {
            throw .malformedFile(path: url.path, reason: "not a JSON object")
        }
        return JSONFile(path: url.path, key: "", values: values)
    }

    static func readIfPresent(_ url: URL) throws(TokenizerError) -> JSONFile? {
        FileManager.default.fileExists(atPath: url.path) ? try read(url) : nil
    }

    private func name(_ field: String) -> String { key.isEmpty ? field : "\(key).\(field)" }

    private func value<T>(_ field: String, as type: T.Type, _ kind: String) throws(TokenizerError) -> T? {
        guard let raw = values[field], !(raw is NSNull) else { return nil }
        guard let typed = raw as? T else { throw .malformedFile(path: path, reason: "\(name(field)) must be \(kind)") }
        return typed
    }

    func optionalString(_ field: String) throws(TokenizerError) -> String? { try value(field, as: String.self, "a string") }
    func optionalBool(_ field: String) throws(TokenizerError) -> Bool? {
        guard let raw = values[field], !(raw is NSNull) else { return nil }
        guard let flag = raw as? Bool else {
            throw .malformedFile(path: path, reason: "\(name(field)) must be true, false or null")
        }
        return flag
    }
    func optionalInt(_ field: String) throws(TokenizerError) -> Int? { try value(field, as: Int.self, "an integer") }
    func optionalArray(_ field: String) throws(TokenizerError) -> [Any]? { try value(field, as: [Any].self, "an array") }
    func optionalObject(_ field: String) throws(TokenizerError) -> JSONFile? {
        try value(field, as: [String: Any].self, "an object").map { JSONFile(path: path, key: name(field), values: $0) }
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
        if let text = values[field] as? String { return text }
        return try optionalObject(field)?.optionalString("content")
    }

    private func missing(_ field: String) -> TokenizerError { .malformedFile(path: path, reason: "\(name(field)) is missing") }
}
