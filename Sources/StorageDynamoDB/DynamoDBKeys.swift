import JSONValues
import Storage

/// The partition keys of Magpie's single-table layout: every kind of record lives in one
/// table under a `pk` with a prefix per kind, so `dynamodb://TABLE` names all the state and
/// one IAM statement can cover it.
package enum DynamoDBKeys {
    package static let attribute = "pk"
    package static let schema = "schema"
    package static let planPrefix = "plan#"
    package static let keyPrefix = "key#"
    package static let releasePrefix = "release#"
    package static let adminKeyPrefix = "admin#"

    package static func plan(_ name: String) -> String { planPrefix + name }
    package static func key(_ id: String) -> String { keyPrefix + id }
    /// Points from a secret's SHA-256 to its key, so authentication is one consistent read.
    package static func secret(_ hash: String) -> String { "secret#" + hash }
    package static func adminKey(_ id: String) -> String { adminKeyPrefix + id }
    /// Points from an admin key's secret to the key, apart from API keys' secrets.
    package static func adminSecret(_ hash: String) -> String { "adminsecret#" + hash }
    /// The counter of one key in one quota period, named by the period's start.
    package static func usage(keyID: String, periodStart: Double) -> String { "usage#\(keyID)#\(Int(periodStart))" }

    /// A model's release document (`ModelRelease`), with its revision for conditional writes.
    package static func release(_ model: String) -> String { releasePrefix + model }

    package static func item(_ key: String) -> [String: JSONValue] { [attribute: DynamoDBValue.string(key)] }
}
