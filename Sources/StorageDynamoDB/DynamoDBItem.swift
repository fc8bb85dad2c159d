import Foundation
import JSONValues
import Storage

/// One item in DynamoDB's typed JSON (`{"name": {"S": "basic"}, "rate": {"N": "10"}}`), built
/// and read by attribute name.
package struct DynamoDBItem {
    package var attributes: [String: JSONValue]

    package init(_ attributes: [String: JSONValue] = [:]) {
        self.attributes = attributes
    }

    /// The item in an output's `Item` or `Attributes` member, nil when the output has none.
    package init?(_ output: [String: JSONValue], member: String) {
        guard case .object(let attributes)? = output[member] else { return nil }
        self.attributes = attributes
    }

    package func string(_ name: String) -> String? {
        guard case .object(let typed)? = attributes[name], case .string(let value)? = typed["S"] else { return nil }
        return value
    }

    package func number(_ name: String) -> Double? {
        guard case .object(let typed)? = attributes[name], case .string(let value)? = typed["N"] else { return nil }
        return Double(value)
    }

    package func date(_ name: String) -> Date? {
        number(name).map(Date.init(databaseSeconds:))
    }

    /// Reads a required attribute, naming the item and attribute when it is missing, so a
    /// table written by something else fails with a message instead of a wrong answer.
    package func required<T>(_ name: String, _ read: (String) -> T?) throws(StorageError) -> T {
        guard let value = read(name) else {
            throw .database("DynamoDB item \(string("pk") ?? "?") has no valid '\(name)' attribute")
        }
        return value
    }
}

/// DynamoDB's typed attribute values.
enum DynamoDBValue {
    static func string(_ value: String) -> JSONValue { .object(["S": .string(value)]) }
    static func number(_ value: Int) -> JSONValue { .object(["N": .string(String(value))]) }
    static func number(_ value: Double) -> JSONValue { .object(["N": .string(String(value))]) }
    static func date(_ value: Date) -> JSONValue { number(value.databaseSeconds) }
}
