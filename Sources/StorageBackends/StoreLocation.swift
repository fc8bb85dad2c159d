import Foundation
import Logging
import Storage
import StorageDynamoDB
import StoragePostgreSQL
import StorageSQLite

/// Where `--database` (or `MAGPIE_DATABASE`) says the store is: a file path for SQLite,
/// `postgres://…` for PostgreSQL, `dynamodb://TABLE[?timeout=SECONDS&start_timeout=SECONDS]` for DynamoDB, or `memory://` for a store
/// that lives and dies with the process. Anything else with a scheme is refused, so a
/// mistyped URL never becomes a local file of that name.
public enum StoreLocation: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)
    /// `timeout`: how long one operation, retries included, may take before the store counts as
    /// unavailable (3 s unless the URL says otherwise); `startTimeout`: how long a starting
    /// server waits for the table before it exits with the reason (15 s).
    case dynamoDB(table: String, timeout: Duration, startTimeout: Duration)
    case memory

    public init(parsing text: String) throws(StorageError) {
        guard let separator = text.range(of: "://") else {
            guard !text.isEmpty else { throw .invalidLocation(text, reason: "is empty") }
            self = .sqlite(path: text)
            return
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        let rest = String(text[separator.upperBound...])
        switch scheme {
        case "postgres", "postgresql":
            _ = try PostgresURL(text)
            self = .postgres(url: text)
        case "dynamodb":
            let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let table = String(parts[0])
            guard Self.isDynamoDBTableName(table) else {
                throw .invalidLocation(text, reason: "a DynamoDB table name is 3 to 255 letters, digits, '_', '-' or '.'")
            }
            var (timeout, startTimeout) = (Duration.seconds(3), Duration.seconds(15))
            for parameter in parts.count == 2 ? parts[1].split(separator: "&") : [] {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, ["timeout", "start_timeout"].contains(pair[0]), let seconds = Int(pair[1]),
                    (1...600).contains(seconds)
                else {
                    throw .invalidLocation(
                        text, reason: "DynamoDB's parameters are timeout=SECONDS and start_timeout=SECONDS, each from 1 to 600")
                }
                if pair[0] == "timeout" { timeout = .seconds(seconds) } else { startTimeout = .seconds(seconds) }
            }
            self = .dynamoDB(table: table, timeout: timeout, startTimeout: startTimeout)
        case "memory":
            guard rest.isEmpty else { throw .invalidLocation(text, reason: "memory:// takes nothing after it") }
            self = .memory
        case "sqlite", "file":
            throw .invalidLocation(text, reason: "give SQLite's file as a plain path, without \(scheme)://")
        default:
            throw .invalidLocation(text, reason: "unknown scheme '\(scheme)'")
        }
    }

    /// Opens the store, creating or migrating its schema.
    ///
    /// - Parameter environment: the AWS settings (region, endpoint, credentials) for DynamoDB.
    public func open(
        logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(StorageError) -> any SharedStore {
        switch self {
        case .sqlite(let path): return try SQLiteStore(path: path)
        case .postgres(let url): return try await PostgresStore.connect(url: url, logger: logger)
        case .dynamoDB(let table, let timeout, let startTimeout):
            return try await DynamoDBStore.open(
                table: table, environment: environment, timeout: timeout, startTimeout: startTimeout, logger: logger)
        case .memory: return MemoryStore()
        }
    }

    static func isDynamoDBTableName(_ name: String) -> Bool {
        (3...255).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "_-.".unicodeScalars.contains($0)
            }
    }
}
