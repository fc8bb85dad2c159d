import Foundation
import JSONValues
import Storage

extension DynamoDBStore {
    /// One transaction: the plan exists, and the key and its secret's pointer are written
    /// together, so a key never exists without a way to authenticate it or a plan.
    public func createKey(name: String, plan: String, at now: Date) async throws(StorageError) -> (key: APIKey, secret: String) {
        let secret = APIKeySecret.generate()
        let key = APIKey(id: APIKeySecret.generateIdentifier(), name: name, plan: plan, createdAt: now)
        var keyItem = DynamoDBKeys.item(DynamoDBKeys.key(key.id))
        keyItem.merge([
            "id": DynamoDBValue.string(key.id), "name": DynamoDBValue.string(name), "plan": DynamoDBValue.string(plan),
            "created_at": DynamoDBValue.date(now),
        ]) { $1 }
        var secretItem = DynamoDBKeys.item(DynamoDBKeys.secret(APIKeySecret.hash(secret)))
        secretItem["key_id"] = DynamoDBValue.string(key.id)
        let table = JSONValue.string(self.table)
        let outcome = try await attempt(
            "TransactWriteItems",
            [
                "TransactItems": .array([
                    .object([
                        "ConditionCheck": .object([
                            "TableName": table, "Key": .object(DynamoDBKeys.item(DynamoDBKeys.plan(plan))),
                            "ConditionExpression": .string("attribute_exists(pk)"),
                        ])
                    ]),
                    .object([
                        "Put": .object([
                            "TableName": table, "Item": .object(keyItem),
                            "ConditionExpression": .string("attribute_not_exists(pk)"),
                        ])
                    ]),
                    .object([
                        "Put": .object([
                            "TableName": table, "Item": .object(secretItem),
                            "ConditionExpression": .string("attribute_not_exists(pk)"),
                        ])
                    ]),
                ])
            ])
        if case .refused(let answer) = outcome {
            guard try await item(DynamoDBKeys.plan(plan)) != nil else {
                throw .unknownPlan(plan, known: try await plans().map(\.name))
            }
            throw .database("DynamoDB refused the new key: \(answer)")
        }
        return (key, secret)
    }

    public func keys() async throws(StorageError) -> [APIKey] {
        var keys: [APIKey] = []
        for item in try await scan(prefix: DynamoDBKeys.keyPrefix) { keys.append(try Self.key(from: item)) }
        return keys.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Marks the key revoked, then its counter for the current quota period, which every
    /// `consume` checks in the same conditional write: replicas refuse the key at once.
    public func revokeKey(id: String, at now: Date) async throws(StorageError) {
        let outcome = try await attempt(
            "UpdateItem",
            [
                "Key": .object(DynamoDBKeys.item(DynamoDBKeys.key(id))),
                "UpdateExpression": .string("SET revoked_at = if_not_exists(revoked_at, :now)"),
                "ConditionExpression": .string("attribute_exists(pk)"),
                "ExpressionAttributeValues": .object([":now": DynamoDBValue.date(now)]), "ReturnValues": .string("ALL_NEW"),
            ])
        guard case .done(let output) = outcome, let key = DynamoDBItem(output, member: "Attributes") else {
            throw .unknownKey(id)
        }
        guard let planItem = try await item(DynamoDBKeys.plan(try key.required("plan", key.string))),
            let quota = try Self.plan(from: planItem).quota
        else { return }
        let window = quota.window(containing: now)
        _ = try await call(
            "UpdateItem",
            [
                "Key": .object(DynamoDBKeys.item(DynamoDBKeys.usage(keyID: id, periodStart: window.start.databaseSeconds))),
                "UpdateExpression": .string("SET revoked_at = if_not_exists(revoked_at, :now), expires_at = :expires"),
                "ExpressionAttributeValues": .object([
                    ":now": DynamoDBValue.date(now),
                    ":expires": DynamoDBValue.number(Int(window.end.databaseSeconds + DynamoDBSchema.usageRetention)),
                ]),
            ])
    }

    static func key(from item: DynamoDBItem) throws(StorageError) -> APIKey {
        APIKey(
            id: try item.required("id", item.string), name: try item.required("name", item.string),
            plan: try item.required("plan", item.string), createdAt: try item.required("created_at", item.date),
            lastUsedAt: item.date("last_used_at"), revokedAt: item.date("revoked_at"))
    }
}
