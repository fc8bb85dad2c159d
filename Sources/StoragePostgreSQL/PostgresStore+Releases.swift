import Foundation
import PostgresNIO
import Storage

extension PostgresStore: ReleaseStore {
    public func release(of model: String) async throws(StorageError) -> ModelRelease? {
        let (client, logger) = (client, logger)
        let document = try await operation { () async throws -> String? in
            let rows = try await client.query("SELECT document FROM releases WHERE model = \(model)", logger: logger)
            for try await document in rows.decode(String.self) { return document }
            return nil
        }
        return try document.map { text throws(StorageError) in try ModelRelease.decoded(text) }
    }

    public func releases() async throws(StorageError) -> [ModelRelease] {
        let (client, logger) = (client, logger)
        let documents = try await operation {
            var documents: [String] = []
            let rows = try await client.query("SELECT document FROM releases ORDER BY model", logger: logger)
            for try await document in rows.decode(String.self) { documents.append(document) }
            return documents
        }
        var releases: [ModelRelease] = []
        for document in documents { releases.append(try ModelRelease.decoded(document)) }
        return releases
    }

    public func saveRelease(_ release: ModelRelease) async throws(StorageError) -> ModelRelease? {
        let (client, logger) = (client, logger)
        var next = release
        next.revision += 1
        let document = try next.encoded()
        let (model, expected, revision) = (release.model, release.revision, next.revision)
        let written = try await operation {
            let rows =
                expected == 0
                ? try await client.query(
                    """
                    INSERT INTO releases (model, revision, document) VALUES (\(model), \(revision), \(document))
                    ON CONFLICT (model) DO NOTHING RETURNING model
                    """, logger: logger)
                : try await client.query(
                    """
                    UPDATE releases SET revision = \(revision), document = \(document)
                    WHERE model = \(model) AND revision = \(expected) RETURNING model
                    """, logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
        return written ? next : nil
    }
}
