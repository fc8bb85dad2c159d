import Foundation
import JSONValues
import Storage

extension DynamoDBStore: ReleaseStore {
    public func release(of model: String) async throws(StorageError) -> ModelRelease? {
        guard let item = try await item(DynamoDBKeys.release(model)) else { return nil }
        return try ModelRelease.decoded(try item.required("document", item.string))
    }

    public func releases() async throws(StorageError) -> [ModelRelease] {
        var releases: [ModelRelease] = []
        for item in try await scan(prefix: DynamoDBKeys.releasePrefix) {
            releases.append(try ModelRelease.decoded(try item.required("document", item.string)))
        }
        return releases.sorted { $0.model < $1.model }
    }

    /// One conditional `PutItem`: on no item for a first revision, on the read revision after.
    public func saveRelease(_ release: ModelRelease) async throws(StorageError) -> ModelRelease? {
        var next = release
        next.revision += 1
        var item = DynamoDBKeys.item(DynamoDBKeys.release(release.model))
        item["revision"] = DynamoDBValue.number(next.revision)
        item["document"] = DynamoDBValue.string(try next.encoded())
        var input: [String: JSONValue] = ["Item": .object(item)]
        if release.revision == 0 {
            input["ConditionExpression"] = .string("attribute_not_exists(pk)")
        } else {
            input["ConditionExpression"] = .string("revision = :expected")
            input["ExpressionAttributeValues"] = .object([":expected": DynamoDBValue.number(release.revision)])
        }
        switch try await attempt("PutItem", input) {
        case .done: return next
        case .refused: return nil
        }
    }
}
