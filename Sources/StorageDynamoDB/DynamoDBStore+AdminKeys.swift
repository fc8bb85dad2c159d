import Foundation
import JSONValues
import Storage

extension DynamoDBStore {
    /// The key and its secret's pointer in one transaction, as for API keys.
    public func createAdminKey(name: String, at now: Date) async throws(StorageError) -> (key: AdminKey, secret: String) {
        let (key, secret, hash) = AdminKey.generate(name: name, at: now)
        var keyItem = DynamoDBKeys.item(DynamoDBKeys.adminKey(key.id))
        keyItem.merge([
            "id": DynamoDBValue.string(key.id), "name": DynamoDBValue.string(name), "created_at": DynamoDBValue.date(now),
        ]) {
            $1
        }
        var secretItem = DynamoDBKeys.item(DynamoDBKeys.adminSecret(hash))
        secretItem["admin_key_id"] = DynamoDBValue.string(key.id)
        let table = JSONValue.string(self.table)
        let puts = [keyItem, secretItem].map { item in
            JSONValue.object([
                "Put": .object([
                    "TableName": table, "Item": .object(item), "ConditionExpression": .string("attribute_not_exists(pk)"),
                ])
            ])
        }
        if case .refused(let answer) = try await attempt("TransactWriteItems", ["TransactItems": .array(puts)]) {
            throw .database("DynamoDB refused the new admin key: \(answer)")
        }
        return (key, secret)
    }

    public func authenticateAdmin(secret: String) async throws(StorageError) -> AdminKey? {
        guard let pointer = try await item(DynamoDBKeys.adminSecret(APIKeySecret.hash(secret))),
            let keyItem = try await item(DynamoDBKeys.adminKey(try pointer.required("admin_key_id", pointer.string)))
        else { return nil }
        let key = try Self.adminKey(from: keyItem)
        return key.isRevoked ? nil : key
    }

    public func adminKeys() async throws(StorageError) -> [AdminKey] {
        var keys: [AdminKey] = []
        for item in try await scan(prefix: DynamoDBKeys.adminKeyPrefix) { keys.append(try Self.adminKey(from: item)) }
        return keys.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func revokeAdminKey(id: String, at now: Date) async throws(StorageError) {
        let outcome = try await attempt(
            "UpdateItem",
            [
                "Key": .object(DynamoDBKeys.item(DynamoDBKeys.adminKey(id))),
                "UpdateExpression": .string("SET revoked_at = if_not_exists(revoked_at, :now)"),
                "ConditionExpression": .string("attribute_exists(pk)"),
                "ExpressionAttributeValues": .object([":now": DynamoDBValue.date(now)]),
            ])
        if case .refused = outcome { throw .unknownKey(id) }
    }

    static func adminKey(from item: DynamoDBItem) throws(StorageError) -> AdminKey {
        AdminKey(
            id: try item.required("id", item.string), name: try item.required("name", item.string),
            createdAt: try item.required("created_at", item.date), revokedAt: item.date("revoked_at"))
    }
}
