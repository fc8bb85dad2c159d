import Foundation
import Gateway
import JSONValues
import Storage

extension Console {
    /// `POST /console/api/keys {"name", "plan"}`: the new key's secret is in this answer only.
    func createKey(_ request: GatewayRequest, by admin: AdminKey) async throws -> GatewayResponse {
        let fields = try object(request)
        guard case .string(let name)? = fields["name"], !name.trimmingCharacters(in: .whitespaces).isEmpty,
            name.count <= 100
        else { throw ConsoleError.invalidRequest("name must be a string of 1 to 100 characters") }
        guard case .string(let plan)? = fields["plan"], !plan.isEmpty else {
            throw ConsoleError.invalidRequest("plan must name a usage plan")
        }
        do {
            let (key, secret) = try await store.createKey(name: name, plan: plan)
            logger.notice(
                "console created a key", metadata: ["admin_key": "\(admin.id)", "key": "\(key.id)", "plan": "\(plan)"])
            return ConsoleJSON.response(CreatedKey(key: KeysView.Key(key, used: 0, quota: nil), secret: secret), status: .created)
        } catch {
            throw ConsoleError.storage(error)
        }
    }

    /// `POST /console/api/keys/{id}/revoke`: API keys only; admin keys are revoked with
    /// `magpie keys revoke`, so no one locks everyone out from the page.
    func revokeKey(_ id: String, by admin: AdminKey) async throws -> GatewayResponse {
        guard !AdminKey.isAdminIdentifier(id) else {
            throw ConsoleError.invalidRequest("admin keys are revoked with `magpie keys revoke \(id)`")
        }
        do {
            try await store.revokeKey(id: id)
        } catch {
            throw ConsoleError.storage(error)
        }
        logger.notice("console revoked a key", metadata: ["admin_key": "\(admin.id)", "key": "\(id)"])
        return ConsoleJSON.response(["revoked": id])
    }
}

/// A new key, with its secret: the one answer that carries it.
struct CreatedKey: JSONWritable {
    var key: KeysView.Key
    var secret: String

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("key") { key.write(to: &$0) }
            members.member("secret") { $0.string(secret) }
        }
    }
}

/// Every API key with its use of its plan's quota this period, and the plans to create keys
/// on. Secrets are not stored, so none can be shown.
struct KeysView: JSONWritable {
    struct Key: JSONWritable {
        var id: String
        var name: String
        var plan: String
        var createdAt: Date
        var lastUsedAt: Date?
        var revokedAt: Date?
        /// Requests counted in the current quota period, against `quotaLimit`.
        var used: Int?
        var quotaLimit: Int?
        var quota: String?

        init(_ key: APIKey, used: Int?, quota: Quota?) {
            id = key.id
            name = key.name
            plan = key.plan
            createdAt = key.createdAt
            lastUsedAt = key.lastUsedAt
            revokedAt = key.revokedAt
            self.used = used
            self.quota = quota.map { "\($0)" }
            self.quotaLimit = quota?.limit
        }

        func write(to writer: inout JSONWriter) {
            writer.object { members in
                members.member("created_at") { $0.string(createdAt.formatted(.iso8601)) }
                members.member("id") { $0.string(id) }
                if let lastUsedAt { members.member("last_used_at") { $0.string(lastUsedAt.formatted(.iso8601)) } }
                members.member("name") { $0.string(name) }
                members.member("plan") { $0.string(plan) }
                if let quota { members.member("quota") { $0.string(quota) } }
                if let quotaLimit { members.member("quota_limit") { $0.number(quotaLimit) } }
                if let revokedAt { members.member("revoked_at") { $0.string(revokedAt.formatted(.iso8601)) } }
                if let used { members.member("used") { $0.number(used) } }
            }
        }
    }

    struct Plan: JSONWritable {
        var name: String
        var quota: String?
        var rate: Double
        var burst: Int

        func write(to writer: inout JSONWriter) {
            writer.object { members in
                members.member("burst") { $0.number(burst) }
                members.member("name") { $0.string(name) }
                if let quota { members.member("quota") { $0.string(quota) } }
                members.member("rate") { $0.number(rate) }
            }
        }
    }

    var keys: [Key]
    var plans: [Plan]

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("keys") { keys.write(to: &$0) }
            members.member("plans") { plans.write(to: &$0) }
        }
    }

    static func load(from store: any KeyStore) async throws -> KeysView {
        do {
            let plans = try await store.plans()
            let quotas = Dictionary(uniqueKeysWithValues: plans.map { ($0.name, $0.quota) })
            var keys: [Key] = []
            for key in try await store.keys() {
                var used: Int?
                let quota = quotas[key.plan] ?? nil
                if let quota { used = try await store.usage(keyID: key.id, quota: quota) }
                keys.append(Key(key, used: used, quota: quota))
            }
            return KeysView(
                keys: keys,
                plans: plans.map { Plan(name: $0.name, quota: $0.quota.map { "\($0)" }, rate: $0.rate, burst: $0.burst) })
        } catch {
            throw ConsoleError.storage(error)
        }
    }
}
