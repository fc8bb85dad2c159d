import ArgumentParser
import Foundation
import Storage

/// The `--database` option of `serve`, `keys` and `plans`: they share one SQLite file, so
/// keys created from the command line work on a running server at once.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The SQLite file with keys, plans and usage (env MAGPIE_DATABASE; default magpie.sqlite).")
    var database: String?

    var path: String {
        database ?? ProcessInfo.processInfo.environment["MAGPIE_DATABASE"] ?? "magpie.sqlite"
    }

    func open() throws -> Store {
        try Store(path: path)
    }
}
