import Foundation
import JSONValues
import Storage

extension DynamoDBStore {
    public func createPlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) {
        var item = DynamoDBKeys.item(DynamoDBKeys.plan(plan.name))
        item.merge(Self.attributes(of: plan)) { $1 }
        item["created_at"] = DynamoDBValue.date(now)
        let outcome = try await attempt(
            "PutItem", ["Item": .object(item), "ConditionExpression": .string("attribute_not_exists(pk)")])
        if case .refused = outcome { throw .planExists(plan.name) }
    }

    public func savePlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) {
        var values: [String: JSONValue] = [":now": DynamoDBValue.date(now)]
        var names: [String: JSONValue] = [:]
        var assignments = ["created_at = if_not_exists(created_at, :now)"]
        // Placeholders for every name, since some (`name`) are DynamoDB reserved words.
        for (name, value) in Self.attributes(of: plan) {
            assignments.append("#\(name) = :\(name)")
            names["#\(name)"] = .string(name)
            values[":\(name)"] = value
        }
        let removals = plan.quota == nil ? " REMOVE quota_limit, quota_period" : ""
        _ = try await call(
            "UpdateItem",
            [
                "Key": .object(DynamoDBKeys.item(DynamoDBKeys.plan(plan.name))),
                "UpdateExpression": .string("SET " + assignments.joined(separator: ", ") + removals),
                "ExpressionAttributeNames": .object(names), "ExpressionAttributeValues": .object(values),
            ])
    }

    public func plans() async throws(StorageError) -> [UsagePlan] {
        var plans: [UsagePlan] = []
        for item in try await scan(prefix: DynamoDBKeys.planPrefix) { plans.append(try Self.plan(from: item)) }
        return plans.sorted { $0.name < $1.name }
    }

    /// The plan's attributes apart from its key and creation time.
    static func attributes(of plan: UsagePlan) -> [String: JSONValue] {
        var attributes: [String: JSONValue] = [
            "name": DynamoDBValue.string(plan.name), "rate": DynamoDBValue.number(plan.rate),
            "burst": DynamoDBValue.number(plan.burst),
        ]
        if let quota = plan.quota {
            attributes["quota_limit"] = DynamoDBValue.number(quota.limit)
            attributes["quota_period"] = DynamoDBValue.string(quota.period.rawValue)
        }
        return attributes
    }

    static func plan(from item: DynamoDBItem) throws(StorageError) -> UsagePlan {
        var quota: Quota?
        if let limit = item.number("quota_limit"), let period = item.string("quota_period").flatMap(Quota.Period.init) {
            quota = try Quota(limit: Int(limit), period: period)
        }
        return try UsagePlan(
            name: try item.required("name", item.string), quota: quota, rate: try item.required("rate", item.number),
            burst: Int(try item.required("burst", item.number)))
    }
}
