import Foundation

/// One throwaway PostgreSQL server per test process (`scripts/postgres_server.py`: Debian's
/// binaries, initdb in a temporary directory, a loopback port), and a fresh database per test.
public enum PostgresFixture {
    /// Started once, by the first test that asks; the others await the same start.
    private static let starting = Task { try await HelperProcess.start(script: "scripts/postgres_server.py") }

    public static var server: HelperProcess {
        get async throws { try await starting.value }
    }

    /// The URL of a new, empty database on the shared server. Its `connect_timeout` is generous
    /// (the full suite loads both cores), unless `timeoutSeconds` is nil: the production default
    /// of 2 s, for tests of what happens when the database does not answer.
    public static func database(timeoutSeconds: Int? = 30) async throws -> String {
        let url = try await server.command("database")
        guard url.hasPrefix("postgres://") else { throw HelperProcess.Failed(description: "no database: \(url)") }
        return timeoutSeconds.map { url + "&connect_timeout=\($0)" } ?? url
    }
}
