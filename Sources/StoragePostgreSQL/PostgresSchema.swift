import Logging
import PostgresNIO
import Storage

/// Versioned migrations, applied at start in one transaction under an advisory lock, so
/// replicas that start together neither race nor apply a step twice. A version is never
/// edited once released; a change is a new version.
enum PostgresSchema {
    struct Migration {
        var version: Int
        var name: String
        var statements: [PostgresQuery]
    }

    static let migrations = [
        Migration(
            version: 1, name: "plans, keys, usage",
            statements: [
                """
                CREATE TABLE plans (
                    name TEXT PRIMARY KEY,
                    quota_limit BIGINT,
                    quota_period TEXT CHECK (quota_period IN ('day', 'week', 'month')),
                    rate DOUBLE PRECISION NOT NULL,
                    burst BIGINT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE keys (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    plan TEXT NOT NULL REFERENCES plans (name),
                    secret_sha256 TEXT NOT NULL UNIQUE,
                    created_at DOUBLE PRECISION NOT NULL,
                    last_used_at DOUBLE PRECISION,
                    revoked_at DOUBLE PRECISION
                )
                """,
                """
                CREATE TABLE usage (
                    key_id TEXT NOT NULL REFERENCES keys (id),
                    period_start DOUBLE PRECISION NOT NULL,
                    count BIGINT NOT NULL,
                    PRIMARY KEY (key_id, period_start)
                )
                """,
            ]),
        Migration(
            version: 2, name: "model releases",
            statements: [
                """
                CREATE TABLE releases (
                    model TEXT PRIMARY KEY,
                    revision BIGINT NOT NULL,
                    document TEXT NOT NULL
                )
                """
            ]),
        Migration(
            version: 3, name: "admin keys",
            statements: [
                """
                CREATE TABLE admin_keys (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    secret_sha256 TEXT NOT NULL UNIQUE,
                    created_at DOUBLE PRECISION NOT NULL,
                    revoked_at DOUBLE PRECISION
                )
                """
            ]),
    ]

    /// An arbitrary constant naming Magpie's migration lock among the database's advisory locks.
    static let lockID = 0x6d61_6770_6965

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockID))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS magpie_schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query(
                "SELECT version FROM magpie_schema_migrations", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO magpie_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.notice(
                    "applied schema migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }
}
