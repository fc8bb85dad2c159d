import Foundation

/// A fresh directory for one test's SQLite file, removed when the test ends.
struct TemporaryDatabase: ~Copyable {
    let directory: URL
    var path: String { directory.appendingPathComponent("magpie.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
