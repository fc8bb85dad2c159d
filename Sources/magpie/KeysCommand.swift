import ArgumentParser
import Foundation
import Storage

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys: clients send them in the x-api-key header.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it once, alone on the last line; only its SHA-256 is stored.")

        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "A name to recognize the key by (a client, an environment).") var name: String
        @Option(help: "The usage plan the key is on (API keys only).") var plan: String?
        @Flag(help: "Create a key for the web console (/console) instead: it has no plan and cannot call the API.")
        var admin = false

        func validate() throws {
            if admin, plan != nil { throw ValidationError("--admin keys have no plan; drop --plan") }
            if !admin, plan == nil { throw ValidationError("give --plan for an API key, or --admin for a console key") }
        }

        func run() async throws {
            guard let plan else {
                let (key, secret) = try await databaseOptions.withStore { try await $0.createAdminKey(name: name) }
                print("Created admin key \(key.id) (\(key.name)) for the console. It is shown only now:")
                print(secret)
                return
            }
            let (key, secret) = try await databaseOptions.withStore { try await $0.createKey(name: name, plan: plan) }
            print("Created key \(key.id) (\(key.name)) on plan \(key.plan). It is shown only now:")
            print(secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys with their usage in the current quota period.")

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let rows = try await databaseOptions.withStore { store in
                let plans = Dictionary(uniqueKeysWithValues: try await store.plans().map { ($0.name, $0) })
                var rows: [[String]] = []
                for key in try await store.keys() {
                    var usage = "-"
                    if let quota = plans[key.plan]?.quota {
                        usage = "\(try await store.usage(keyID: key.id, quota: quota))/\(quota)"
                    }
                    rows.append([
                        key.id, key.name, key.plan, Self.format(key.createdAt), key.lastUsedAt.map(Self.format) ?? "never",
                        usage, key.revokedAt.map { "revoked " + Self.format($0) } ?? "active",
                    ])
                }
                for key in try await store.adminKeys() {
                    rows.append([
                        key.id, key.name, "(admin)", Self.format(key.createdAt), "-", "-",
                        key.revokedAt.map { "revoked " + Self.format($0) } ?? "active",
                    ])
                }
                return rows
            }
            print(TextTable.render(header: ["id", "name", "plan", "created", "last used", "usage", "status"], rows: rows))
        }

        static func format(_ date: Date) -> String {
            date.formatted(.iso8601)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; requests with it are refused from then on.")

        @OptionGroup var databaseOptions: DatabaseOptions
        @Argument(help: "The key's id, as `keys list` shows it (an API key's or an admin key's).") var id: String

        func run() async throws {
            try await databaseOptions.withStore { store in
                if AdminKey.isAdminIdentifier(id) {
                    try await store.revokeAdminKey(id: id)
                } else {
                    try await store.revokeKey(id: id)
                }
            }
            print("Revoked key \(id)")
        }
    }
}
