import Foundation
import Storage
import StorageSQLite
import Testing

@Suite(.serialized) struct KeysAndPlansTests {
    @Test func createsListsAndRevokesKeysOnAPlan() async throws {
        let workspace = try Workspace()
        let database = workspace.path("state/magpie.sqlite")
        let plan = try await MagpieProcess.run([
            "plans", "create", "--database", database, "--name", "basic", "--quota", "10000/month", "--rate", "1000", "--burst",
            "1000",
        ])
        #expect(plan.status == 0, "\(plan.standardError)")
        let created = try await MagpieProcess.run(
            ["keys", "create", "--name", "demo", "--plan", "basic"], environment: ["MAGPIE_DATABASE": database])
        #expect(created.status == 0, "\(created.standardError)")
        let secret = try #require(created.standardOutput.split(separator: "\n").last.map(String.init))
        #expect(secret.hasPrefix("mgp_"))

        let store = try SQLiteStore(path: database)
        let credential = try #require(try await store.authenticate(secret: secret))
        let key = credential.key
        let quota = try Quota(parsing: "10000/month")
        #expect(credential.plan.quota == quota && credential.plan.rate == 1000)
        #expect(credential.plan.burst == 1000)
        #expect(try await store.consume(keyID: key.id, quota: credential.plan.quota) != .revoked)

        let listed = try await MagpieProcess.run(["keys", "list", "--database", database])
        #expect(listed.status == 0)
        let row = try #require(listed.standardOutput.split(separator: "\n").first { $0.hasPrefix(key.id) })
        #expect(row.contains("demo") && row.contains("basic") && row.contains("1/10000/month") && row.hasSuffix("active"))
        #expect(!listed.standardOutput.contains(secret))

        let revoked = try await MagpieProcess.run(["keys", "revoke", "--database", database, key.id])
        #expect(revoked.status == 0)
        #expect(try await store.authenticate(secret: secret) == nil)
        let relisted = try await MagpieProcess.run(["keys", "list", "--database", database])
        #expect(relisted.standardOutput.contains("revoked "))
    }

    @Test func badPlansAndKeysGetClearErrors() async throws {
        let workspace = try Workspace()
        let database = workspace.path("magpie.sqlite")
        let cases: [([String], String)] = [
            (["plans", "create", "--name", "p", "--quota", "10/year", "--rate", "1", "--burst", "1"], "invalid quota '10/year'"),
            (["plans", "create", "--name", "p", "--rate", "0", "--burst", "1"], "rate must be a positive number"),
            (["plans", "create", "--name", "p", "--rate", "1", "--burst", "0"], "burst must be at least 1"),
            (["plans", "create", "--name", "a b", "--rate", "1", "--burst", "1"], "name 'a b' must be"),
            (["keys", "create", "--name", "k", "--plan", "gold"], "no usage plan named 'gold'"),
            (["keys", "revoke", "key_000000000000"], "no API key with id 'key_000000000000'"),
        ]
        for (arguments, message) in cases {
            let result = try await MagpieProcess.run(arguments + ["--database", database])
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }
}
