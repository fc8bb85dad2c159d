import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://` (or `postgresql://`) URL as libpq reads one: user, password, host, port
/// (5432), database (the user's name when absent), `sslmode` `disable`, `prefer` (the
/// default) or `require`, and `connect_timeout` in seconds (default 2), which here bounds both
/// connecting and each operation's wait before the store counts as unavailable.
struct PostgresURL {
    let configuration: PostgresClient.Configuration
    let timeout: Duration

    init(_ text: String) throws(StorageError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "")
        else { throw .invalidLocation(text, reason: "not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidLocation(Self.redacted(text), reason: "needs a host: postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidLocation(Self.redacted(text), reason: "needs a user: postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var tls = PostgresClient.Configuration.TLS.prefer(.makeClientConfiguration())
        var timeout = Duration.seconds(2)
        for item in components.queryItems ?? [] {
            if item.name == "connect_timeout" {
                guard let seconds = item.value.flatMap(Int.init), (1...300).contains(seconds) else {
                    throw .invalidLocation(Self.redacted(text), reason: "connect_timeout must be whole seconds from 1 to 300")
                }
                timeout = .seconds(seconds)
                continue
            }
            guard item.name == "sslmode" else {
                throw .invalidLocation(
                    Self.redacted(text), reason: "unknown parameter '\(item.name)' (sslmode and connect_timeout are read)")
            }
            switch item.value {
            case "disable": tls = .disable
            case "prefer": tls = .prefer(.makeClientConfiguration())
            case "require": tls = .require(.makeClientConfiguration())
            default:
                throw .invalidLocation(Self.redacted(text), reason: "sslmode must be disable, prefer or require")
            }
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? user : database, tls: tls)
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = 16
        self.configuration = configuration
        self.timeout = timeout
    }

    /// The URL with its password replaced, for messages and logs.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }
}
