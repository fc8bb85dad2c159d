import Foundation
import GRDB
import Storage

extension SQLiteStore: ReleaseStore {
    public func release(of model: String) async throws(StorageError) -> ModelRelease? {
        let document = try await read { db in
            try String.fetchOne(db, sql: "SELECT document FROM releases WHERE model = ?", arguments: [model])
        }
        return try document.map { text throws(StorageError) in try ModelRelease.decoded(text) }
    }

    public func releases() async throws(StorageError) -> [ModelRelease] {
        let documents = try await read { db in try String.fetchAll(db, sql: "SELECT document FROM releases ORDER BY model") }
        var releases: [ModelRelease] = []
        for document in documents { releases.append(try ModelRelease.decoded(document)) }
        return releases
    }

    public func saveRelease(_ release: ModelRelease) async throws(StorageError) -> ModelRelease? {
        var next = release
        next.revision += 1
        let document = try next.encoded()
        let (model, expected, revision) = (release.model, release.revision, next.revision)
        let written = try await write { db in
            if expected == 0 {
                try db.execute(
                    sql: "INSERT INTO releases (model, revision, document) VALUES (?, ?, ?) ON CONFLICT (model) DO NOTHING",
                    arguments: [model, revision, document])
            } else {
                try db.execute(
                    sql: "UPDATE releases SET revision = ?, document = ? WHERE model = ? AND revision = ?",
                    arguments: [revision, document, model, expected])
            }
            return db.changesCount == 1
        }
        return written ? next : nil
    }
}
