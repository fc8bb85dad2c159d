import Foundation

/// One throwaway PostgreSQL server per test process (`scripts/postgres_server.py`: Debian's
/// binaries, initdb in a temporary directory, a loopback port), and a fresh database per test.
public enum PostgresFixture {
    public static let server: Result<HelperProcess, any Error> = Result {
        try HelperProcess(script: "scripts/postgres_server.py")
    }

    /// The URL of a new, empty database on the shared server. Its `connect_timeout` is generous
    /// (the full suite loads both cores), unless `timeoutSeconds` is nil: the production default
    /// of 2 s, for tests of what happens when the database does not answer.
    public static func database(timeoutSeconds: Int? = 30) throws -> String {
        let url = try server.get().command("database")
        guard url.hasPrefix("postgres://") else { throw HelperProcess.Failed(description: "no database: \(url)") }
        return timeoutSeconds.map { url + "&connect_timeout=\($0)" } ?? url
    }
}
