import JSONValues

/// The partition keys of Magpie's single-table layout: every kind of record lives in one
/// table under a `pk` with a prefix per kind, so `dynamodb://TABLE` names all the state and
/// one IAM statement can cover it.
enum DynamoDBKeys {
    static let attribute = "pk"
    static let schema = "schema"
    static let planPrefix = "plan#"
    static let keyPrefix = "key#"

    static func plan(_ name: String) -> String { planPrefix + name }
    static func key(_ id: String) -> String { keyPrefix + id }
    /// Points from a secret's SHA-256 to its key, so authentication is one consistent read.
    static func secret(_ hash: String) -> String { "secret#" + hash }
    /// The counter of one key in one quota period, named by the period's start.
    static func usage(keyID: String, periodStart: Double) -> String { "usage#\(keyID)#\(Int(periodStart))" }

    static func item(_ key: String) -> [String: JSONValue] { [attribute: DynamoDBValue.string(key)] }
}
