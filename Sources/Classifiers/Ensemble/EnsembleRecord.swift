import Digests
import Foundation

/// How an ensemble artifact combines its members. Each member is a complete artifact in a
/// subfolder (a fine-tuned encoder, an n-gram model), and the ensemble's probabilities are the
/// members' probabilities weighted by `weight`. The ensemble's manifest checksums each member's
/// manifest, which in turn checksums the member's files, so one changed byte anywhere fails
/// the load.
public struct EnsembleRecord: Sendable, Codable, Equatable {
    public struct Member: Sendable, Codable, Equatable {
        /// The member's folder, relative to the ensemble's.
        public var path: String
        /// Its share of the averaged probabilities; the members' weights sum to 1.
        public var weight: Double

        public init(path: String, weight: Double) {
            self.path = path
            self.weight = weight
        }
    }

    public var members: [Member]
    /// How the weights were chosen, e.g. "macro F1 on the 10% validation split".
    public var chosenBy: String

    public init(members: [Member], chosenBy: String) {
        self.members = members
        self.chosenBy = chosenBy
    }

    /// The `files` entries of an ensemble's manifest: each member's manifest, by size and
    /// SHA-256.
    public static func memberManifestRecords(
        of members: [Member], in directory: URL
    ) throws(ArtifactError) -> [String: ModelManifest.FileRecord] {
        var records: [String: ModelManifest.FileRecord] = [:]
        for member in members {
            let file = member.path + "/" + ModelArtifact.manifestFile
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) else {
                throw .missingFile(path: directory.path, file: file)
            }
            records[file] = ModelManifest.FileRecord(sha256: sha256Hex(data), bytes: data.count)
        }
        return records
    }

    /// Checks the ensemble at `path` against its `manifest`: its members lie inside its folder,
    /// their weights sum to 1, and each member's manifest is the one recorded. The members'
    /// own files are theirs to check, when each is loaded or verified.
    public func verifyMemberManifests(of manifest: ModelManifest, at path: String) throws(ArtifactError) {
        guard !members.isEmpty, abs(members.map(\.weight).reduce(0, +) - 1) < 1e-6,
            members.allSatisfy({ $0.weight >= 0 && !$0.path.contains("..") && !$0.path.hasPrefix("/") })
        else {
            throw .unreadableManifest(
                path: path, reason: "an ensemble needs members inside its folder with weights that sum to 1")
        }
        let found = try Self.memberManifestRecords(of: members, in: URL(fileURLWithPath: path))
        for (file, record) in found.sorted(by: { $0.key < $1.key }) {
            guard let expected = manifest.files[file] else {
                throw .unreadableManifest(path: path, reason: "\(file) is not recorded")
            }
            guard record.bytes == expected.bytes else {
                throw .sizeMismatch(path: path, file: file, expected: expected.bytes, found: record.bytes)
            }
            guard record.sha256 == expected.sha256 else { throw .checksumMismatch(path: path, file: file) }
        }
    }

    /// `verifyMemberManifests`, then every member's files against its manifest.
    func verifyMembers(of manifest: ModelManifest, at path: String) throws(ArtifactError) {
        try verifyMemberManifests(of: manifest, at: path)
        for member in members {
            let memberPath = URL(fileURLWithPath: path).appendingPathComponent(member.path).path
            let memberManifest = try ModelArtifact.verifiedManifest(at: memberPath)
            guard !memberManifest.isEnsemble else {
                throw .unreadableManifest(path: path, reason: "member \(member.path) is itself an ensemble")
            }
            guard Set(memberManifest.labels.map(\.value)) == Set(manifest.labels.map(\.value)) else {
                throw .unreadableManifest(path: path, reason: "member \(member.path) predicts other labels than the ensemble")
            }
        }
    }
}
