import AWSClient
import Foundation
import JSONValues
import Storage

extension DynamoDBStore {
    /// Three consistent reads (the secret's pointer, the key, its plan); the gateway caches
    /// the answer, so this runs once per key and cache lifetime, not per request.
    public func authenticate(secret: String) async throws(StorageError) -> Credential? {
        guard let pointer = try await item(DynamoDBKeys.secret(APIKeySecret.hash(secret))),
            let keyItem = try await item(DynamoDBKeys.key(try pointer.required("key_id", pointer.string)))
        else { return nil }
        let key = try Self.key(from: keyItem)
        guard !key.isRevoked, let planItem = try await item(DynamoDBKeys.plan(key.plan)) else { return nil }
        return Credential(key: key, plan: try Self.plan(from: planItem))
    }

    /// One conditional `UpdateItem` on the period's counter. The condition also refuses a
    /// counter that `revokeKey` marked, and on refusal DynamoDB returns the counter as it
    /// was, which says whether the quota or the revocation refused it.
    public func consume(keyID: String, quota: Quota?, at now: Date) async throws(StorageError) -> QuotaDecision {
        guard let quota else {
            guard let key = try await item(DynamoDBKeys.key(keyID)), key.date("revoked_at") == nil else { return .revoked }
            try await touchLastUsed(keyID: keyID, at: now)
            return .counted(quota: nil)
        }
        let window = quota.window(containing: now)
        let outcome = try await attempt(
            "UpdateItem",
            [
                "Key": .object(DynamoDBKeys.item(DynamoDBKeys.usage(keyID: keyID, periodStart: window.start.databaseSeconds))),
                "UpdateExpression": .string("ADD #count :one SET expires_at = :expires"),
                "ConditionExpression": .string(
                    "attribute_not_exists(revoked_at) AND (attribute_not_exists(#count) OR #count < :limit)"),
                "ExpressionAttributeNames": .object(["#count": .string("count")]),
                "ExpressionAttributeValues": .object([
                    ":one": DynamoDBValue.number(1), ":limit": DynamoDBValue.number(quota.limit),
                    ":expires": DynamoDBValue.number(Int(window.end.databaseSeconds + DynamoDBSchema.usageRetention)),
                ]),
                "ReturnValues": .string("UPDATED_NEW"), "ReturnValuesOnConditionCheckFailure": .string("ALL_OLD"),
            ], idempotent: false)
        switch outcome {
        case .done(let output):
            guard let counter = DynamoDBItem(output, member: "Attributes"), let used = counter.number("count") else {
                throw .database("DynamoDB UpdateItem answered without the new count")
            }
            try await touchLastUsed(keyID: keyID, at: now)
            return .counted(quota: QuotaState(limit: quota.limit, used: Int(used), resetsAt: window.end))
        case .refused(let answer):
            let old = Self.oldItem(in: answer)
            if old?.number("revoked_at") != nil { return .revoked }
            let used = max(quota.limit, Int(old?.number("count") ?? 0))
            return .exceeded(quota: QuotaState(limit: quota.limit, used: used, resetsAt: window.end))
        }
    }

    public func usage(keyID: String, quota: Quota, at date: Date) async throws(StorageError) -> Int {
        let start = quota.window(containing: date).start.databaseSeconds
        return Int(try await item(DynamoDBKeys.usage(keyID: keyID, periodStart: start))?.number("count") ?? 0)
    }

    /// The item a refused conditional write returned with `ALL_OLD`.
    static func oldItem(in answer: AWSServiceError) -> DynamoDBItem? {
        guard case .object(let body)? = try? JSONParser.parse(answer.body) else { return nil }
        return DynamoDBItem(body, member: "Item")
    }

    /// Refreshes the key's `last_used_at` at most once a minute per key and replica, so a
    /// counted request costs one write, not two. A failure here leaves the count standing.
    private func touchLastUsed(keyID: String, at now: Date) async throws(StorageError) {
        guard lastUsedTouches.isDue(keyID: keyID, at: now) else { return }
        do {
            _ = try await attempt(
                "UpdateItem",
                [
                    "Key": .object(DynamoDBKeys.item(DynamoDBKeys.key(keyID))),
                    "UpdateExpression": .string("SET last_used_at = :now"),
                    "ConditionExpression": .string(
                        "attribute_exists(pk) AND (attribute_not_exists(last_used_at) OR last_used_at < :now)"),
                    "ExpressionAttributeValues": .object([":now": DynamoDBValue.date(now)]),
                ])
        } catch {
            logger.debug("could not refresh last_used_at", metadata: ["key": "\(keyID)", "error": "\(error)"])
        }
    }
}
