import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Storage

/// Why PostgreSQL cannot be reached, in words a user acts on. The pool behind `PostgresStore`
/// only logs "Connection creation failed" and retries, and PostgresNIO's errors describe
/// themselves generically so as not to leak details; so at start one connection of its own is
/// tried, and its failure is read down to the cause.
enum PostgresReachability {
    /// Opens and closes one connection within `timeout`.
    static func probe(_ url: PostgresURL, logger: Logger) async throws {
        let configuration = try url.connectionConfiguration()
        let connection = try await PostgresStore.race(
            { try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger) },
            within: url.timeout + .milliseconds(500))
        try await connection.close()
    }

    /// A wrong password, a missing database or role will not mend by waiting.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return true }
        return state.hasPrefix("08") || state.hasPrefix("57P")
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                return "the server said: \(message) (\(error.serverInfo?[.sqlState] ?? "no SQLSTATE"))"
            }
            if let underlying = error.underlying { return reason(underlying) }
            if error.code == .sslUnsupported { return "the server does not offer TLS, which sslmode=require asks for" }
            return "\(error.code)"
        case let error as NIOConnectionError:
            if let dns = error.dnsAError ?? error.dnsAAAAError {
                return "cannot resolve host \(error.host): \(dns)"
            }
            return error.connectionErrors.first.map { reason($0.error) } ?? "cannot connect to \(error.host):\(error.port)"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case ChannelError.connectTimeout(let limit):
            return "no answer within \(limit.nanoseconds / 1_000_000) ms (connect_timeout)"
        case let error as StorageError:
            return error.reason
        default:
            return String(describing: error)
        }
    }
}
