import Foundation
import GRDB
import Storage

/// Keys, usage plans and quota counters in one SQLite file.
///
/// WAL mode lets `magpie keys` and `magpie plans` work on the file of a running server, and
/// every quota decision is one write transaction, so counts are exact under any concurrency
/// and across processes. `synchronous = NORMAL` makes a committed count survive a crash of the
/// process (a power failure may lose the last commits, never corrupt the file).
public final class SQLiteStore: KeyStore {
    let pool: DatabasePool
    let commitQueue: GroupCommitQueue<ConsumeRequest, QuotaDecision>
    public let path: String
    public var location: String { path }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws(StorageError) {
        self.path = path
        var configuration = Configuration()
        // How long a write waits for another process's lock before the request gets 503: long
        // enough for `magpie keys` on a running server's file, short enough not to pile up requests.
        configuration.busyMode = .timeout(2)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            self.pool = pool
            // One batch at a time: SQLite has one writer, and a second batch would only wait for it.
            commitQueue = GroupCommitQueue(maxBatchesInFlight: 1)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    public func close() async {
        try? pool.close()
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: plans, keys, usage") { db in
            try db.execute(
                sql: """
                    CREATE TABLE plans (
                        name TEXT PRIMARY KEY NOT NULL,
                        quota_limit INTEGER,
                        quota_period TEXT CHECK (quota_period IN ('day', 'week', 'month')),
                        rate REAL NOT NULL,
                        burst INTEGER NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE keys (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        plan TEXT NOT NULL REFERENCES plans(name),
                        secret_sha256 TEXT NOT NULL UNIQUE,
                        created_at REAL NOT NULL,
                        last_used_at REAL,
                        revoked_at REAL
                    );
                    CREATE TABLE usage (
                        key_id TEXT NOT NULL REFERENCES keys(id),
                        period_start REAL NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (key_id, period_start)
                    );
                    """)
        }
        migrator.registerMigration("v2: model releases") { db in
            try db.execute(
                sql: """
                    CREATE TABLE releases (
                        model TEXT PRIMARY KEY NOT NULL,
                        revision INTEGER NOT NULL,
                        document TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3: admin keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE admin_keys (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        secret_sha256 TEXT NOT NULL UNIQUE,
                        created_at REAL NOT NULL,
                        revoked_at REAL
                    );
                    """)
        }
        return migrator
    }

    /// Runs `body` in a write transaction, mapping database errors to `StorageError`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    /// Runs `body` in a read transaction on the calling thread. For the reads on a request's
    /// path: a WAL read never waits for writers and takes microseconds, less than the two
    /// thread hops an asynchronous read costs.
    func readOnThisThread<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.read(body)
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }
}

extension SQLiteStore {
    /// A full disk, a lock held past the busy timeout, or an I/O error may pass: `unavailable`,
    /// which the gateway answers with 503 and `Retry-After`, and nothing was written. Anything
    /// else is a fault in the database or in Magpie.
    static func classify(_ error: any Error) -> StorageError {
        guard let error = error as? DatabaseError else { return .database("\(error)") }
        switch error.resultCode {
        case .SQLITE_FULL:
            return .unavailable("the disk holding the SQLite database is full (\(error.message ?? "SQLITE_FULL"))")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .unavailable("another process holds the SQLite database's lock (\(error.message ?? "SQLITE_BUSY"))")
        case .SQLITE_IOERR, .SQLITE_CANTOPEN:
            return .unavailable("SQLite cannot read or write its files (\(error.message ?? "SQLITE_IOERR"))")
        default:
            return .database("\(error)")
        }
    }
}
