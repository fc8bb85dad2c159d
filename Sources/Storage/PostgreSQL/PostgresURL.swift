import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://` (or `postgresql://`) URL as libpq reads one: user, password, host, port
/// (5432), database (the user's name when absent), and `sslmode` `disable`, `prefer` (the
/// default) or `require`.
struct PostgresURL {
    let configuration: PostgresClient.Configuration

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
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw .invalidLocation(Self.redacted(text), reason: "unknown parameter '\(item.name)' (only sslmode is read)")
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
        configuration.options.connectTimeout = .seconds(2)
        configuration.options.maximumConnections = 16
        self.configuration = configuration
    }

    /// The URL with its password replaced, for messages and logs.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }
}
