import ArgumentParser
import Foundation
import Logging
import Storage
import StorageBackends

/// The `--database` option of `serve`, `keys`, `plans` and `models`: they share one store, so keys
/// and releases changed from the command line apply to a running server at once.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: """
            Where keys, plans and usage live: a SQLite file, postgres://USER:PASSWORD@HOST:PORT/DATABASE, \
            dynamodb://TABLE or memory:// (env MAGPIE_DATABASE; default magpie.sqlite).
            """)
    var database: String?

    var path: String {
        database ?? ProcessInfo.processInfo.environment["MAGPIE_DATABASE"] ?? "magpie.sqlite"
    }

    /// Runs `body` with the store open, and closes it (a PostgreSQL pool) whatever happens.
    func withStore<T>(_ body: (any SharedStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "magpie.storage")
        logger.logLevel = .warning
        let store = try await StoreLocation(parsing: path).open(logger: logger)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
