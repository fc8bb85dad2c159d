import Foundation
import NIOSSL
import PostgresNIO
import Storage

/// A `postgres://` (or `postgresql://`) URL as libpq reads one: user, password, host, port
/// (5432), database (the user's name when absent), `sslmode` `disable`, `prefer` (the
/// default) or `require`, `connect_timeout` in seconds (default 2), which here bounds both
/// connecting and each operation's wait before the store counts as unavailable, and
/// `start_timeout` in seconds (default 15): how long a starting server waits for the database
/// before it exits with the reason.
package struct PostgresURL {
    let configuration: PostgresClient.Configuration
    /// `disable`, `prefer` or `require`.
    let sslMode: String
    let timeout: Duration
    let startTimeout: Duration

    package init(_ text: String) throws(StorageError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "")
        else { throw .invalidLocation(text, reason: "not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidLocation(Self.redacted(text), reason: "needs a host: postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidLocation(Self.redacted(text), reason: "needs a user: postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var sslMode = "prefer"
        var timeout = Duration.seconds(2)
        var startTimeout = Duration.seconds(15)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "connect_timeout", "start_timeout":
                guard let seconds = item.value.flatMap(Int.init), (1...300).contains(seconds) else {
                    throw .invalidLocation(Self.redacted(text), reason: "\(item.name) must be whole seconds from 1 to 300")
                }
                if item.name == "connect_timeout" { timeout = .seconds(seconds) } else { startTimeout = .seconds(seconds) }
            case "sslmode":
                guard let value = item.value, ["disable", "prefer", "require"].contains(value) else {
                    throw .invalidLocation(Self.redacted(text), reason: "sslmode must be disable, prefer or require")
                }
                sslMode = value
            default:
                throw .invalidLocation(
                    Self.redacted(text),
                    reason: "unknown parameter '\(item.name)' (sslmode, connect_timeout and start_timeout are read)")
            }
        }
        let clientTLS: PostgresClient.Configuration.TLS =
            switch sslMode {
            case "disable": .disable
            case "require": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? user : database, tls: clientTLS)
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = 16
        self.configuration = configuration
        self.sslMode = sslMode
        self.timeout = timeout
        self.startTimeout = startTimeout
    }

    /// The same server and credentials for the single connection that probes it at start.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch sslMode {
            case "disable": .disable
            case "require": .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        var connection = PostgresConnection.Configuration(
            host: configuration.host ?? "", port: configuration.port ?? 5432, username: configuration.username,
            password: configuration.password,
            database: configuration.database, tls: tls)
        connection.options.connectTimeout = .seconds(timeout.components.seconds)
        return connection
    }

    /// The URL with its password replaced, for messages and logs.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }
}
