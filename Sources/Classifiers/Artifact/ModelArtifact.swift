import Digests
import Foundation
import Synchronization
import TextFeatures

/// A model artifact directory: `manifest.json` and `weights.bin`, and for an encoder head the
/// encoder folder when it was bundled (`encoder/`).
///
/// Saving writes a sibling temporary directory and renames it into place, so a reader sees
/// either the old artifact or the complete new one, never a half-written one. Loading checks
/// the format version, then every file's size and SHA-256 against the manifest, before
/// trusting a single number.
public struct ModelArtifact: Sendable {
    public static let manifestFile = "manifest.json"
    public static let weightsFile = "weights.bin"

    /// Where a bundled encoder lives inside the artifact.
    public static let bundledEncoderFolder = "encoder"

    public let manifest: ModelManifest
    public let model: TrainedModel
    /// The texts it was trained on, saved as `training-texts.bin` when given.
    public var trainingTexts: TrainingTexts?

    public init(manifest: ModelManifest, model: TrainedModel, trainingTexts: TrainingTexts? = nil) {
        self.manifest = manifest
        self.model = model
        self.trainingTexts = trainingTexts
    }

    public init(manifest: ModelManifest, classifier: TextClassifier, trainingTexts: TrainingTexts? = nil) {
        self.init(manifest: manifest, model: .nGram(classifier), trainingTexts: trainingTexts)
    }

    /// The n-gram classifier, or nil for an encoder head (which needs its encoder to classify).
    public var textClassifier: TextClassifier? {
        if case .nGram(let classifier) = model { classifier } else { nil }
    }

    public static func load(from path: String) throws(ArtifactError) -> ModelArtifact {
        let directory = URL(fileURLWithPath: path)
        let manifestURL = directory.appendingPathComponent(manifestFile)
        guard let manifestData = FileManager.default.contents(atPath: manifestURL.path) else {
            throw .notFound(path: path)
        }
        let manifest = try decodeManifest(manifestData, path: path)
        guard !manifest.isFineTunedEncoder else { throw .fineTunedEncoder(path: path) }
        guard !manifest.isEnsemble else { throw .ensemble(path: path) }
        guard let record = manifest.files[weightsFile] else { throw .missingFile(path: path, file: weightsFile) }
        // Memory-mapped: the page cache's pages are used in place, instead of faulting in a
        // fresh copy page by page, which is most of a cold load's time on a virtual machine.
        guard
            let weights = try? Data(
                contentsOf: directory.appendingPathComponent(weightsFile), options: .alwaysMapped)
        else {
            throw .missingFile(path: path, file: weightsFile)
        }
        guard weights.count == record.bytes else {
            throw .sizeMismatch(path: path, file: weightsFile, expected: record.bytes, found: weights.count)
        }
        guard sha256Hex(weights) == record.sha256 else { throw .checksumMismatch(path: path, file: weightsFile) }
        let labels = LabelSet(labels: manifest.labels)
        guard (manifest.features == nil) != (manifest.encoder == nil) else {
            throw .unreadableManifest(path: path, reason: "it must name either n-gram features or an encoder")
        }
        let model = try WeightsFile.decode(weights, labels: labels, features: manifest.features, path: path)
        if case .embeddingHead(let head) = model, head.dimensions != manifest.encoder?.dimensions {
            throw .corruptWeights(
                path: path,
                reason: "the head takes \(head.dimensions) dimensions, the encoder gives \(manifest.encoder?.dimensions ?? 0)")
        }
        return ModelArtifact(manifest: manifest, model: model)
    }

    /// The manifest of the artifact at `path` once every file has been checked against it: an
    /// n-gram model or encoder head is loaded; a fine-tuned encoder's files are checksummed; an
    /// ensemble's members are checked in turn.
    public static func verifiedManifest(at path: String) throws(ArtifactError) -> ModelManifest {
        let manifest = try manifest(at: path)
        if manifest.isEnsemble {
            guard let ensemble = manifest.ensemble else {
                throw .unreadableManifest(path: path, reason: "an ensemble without its members")
            }
            try ensemble.verifyMembers(of: manifest, at: path)
            return manifest
        }
        guard manifest.isFineTunedEncoder, let encoder = manifest.encoder else { return try load(from: path).manifest }
        try encoder.verify(artifactPath: path)
        return manifest
    }

    /// The manifest of the artifact at `path`, format-checked but without reading the weights:
    /// enough to list a model before it is loaded.
    public static func manifest(at path: String) throws(ArtifactError) -> ModelManifest {
        let manifestPath = URL(fileURLWithPath: path).appendingPathComponent(manifestFile).path
        guard let data = FileManager.default.contents(atPath: manifestPath) else { throw .notFound(path: path) }
        return try decodeManifest(data, path: path)
    }

    /// Manifests this process has decoded, by their exact bytes. A server decodes each manifest
    /// at start, to list its models, and again on every load; the second decode, mostly the
    /// Swift runtime's first-use protocol-conformance lookups, cost as much of a cold start as
    /// reading and verifying the weights. Keyed by content, so a retrained artifact is decoded
    /// afresh.
    private static let decodedManifests = Mutex<[Data: ModelManifest]>([:])

    static func decodeManifest(_ data: Data, path: String) throws(ArtifactError) -> ModelManifest {
        if let known = decodedManifests.withLock({ $0[data] }) { return known }
        let manifest = try decodeManifestUncached(data, path: path)
        decodedManifests.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[data] = manifest
        }
        return manifest
    }

    private static func decodeManifestUncached(_ data: Data, path: String) throws(ArtifactError) -> ModelManifest {
        struct Header: Decodable {
            var format: String?
            var formatVersion: Int?
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw .unreadableManifest(path: path, reason: "not a JSON object")
        }
        guard header.format == ModelManifest.formatName, let version = header.formatVersion else {
            throw .notAMagpieModel(path: path)
        }
        guard version <= ModelManifest.currentFormatVersion else {
            throw .newerFormat(path: path, found: version, supported: ModelManifest.currentFormatVersion)
        }
        do {
            return try JSONDecoder().decode(ModelManifest.self, from: data)
        } catch {
            throw .unreadableManifest(path: path, reason: String(describing: error))
        }
    }

    /// The texts the artifact at `path` was trained on, checked against its manifest; nil for an
    /// artifact that recorded none (made before they were recorded, or not by n-gram training).
    public static func trainingTexts(at path: String) throws(ArtifactError) -> TrainingTexts? {
        let manifest = try manifest(at: path)
        guard let record = manifest.files[TrainingTexts.file] else { return nil }
        guard let data = FileManager.default.contents(atPath: path + "/" + TrainingTexts.file) else {
            throw .missingFile(path: path, file: TrainingTexts.file)
        }
        guard data.count == record.bytes, sha256Hex(data) == record.sha256 else {
            throw .checksumMismatch(path: path, file: TrainingTexts.file)
        }
        return try TrainingTexts.decode(data, path: path)
    }

    /// Writes the artifact to `path`, replacing an existing Magpie model there; fills in the
    /// manifest's file checksums. With `encoderSource`, an encoder head's recorded encoder
    /// files are copied from there into the artifact, whose manifest must then say `bundled`.
    public func save(to path: String, encoderSource: URL? = nil) throws(ArtifactError) -> ModelManifest {
        let weights = WeightsFile.encode(model)
        var manifest = self.manifest
        manifest.files = [Self.weightsFile: ModelManifest.FileRecord(sha256: sha256Hex(weights), bytes: weights.count)]
        let texts = trainingTexts?.encoded
        if let texts {
            manifest.files[TrainingTexts.file] = ModelManifest.FileRecord(sha256: sha256Hex(texts), bytes: texts.count)
        }
        let staged = try Self.stagingFolder(for: path)
        do {
            try Self.writeDurably(weights, to: staged.appendingPathComponent(Self.weightsFile))
            if let texts { try Self.writeDurably(texts, to: staged.appendingPathComponent(TrainingTexts.file)) }
            if let encoderSource, let record = manifest.encoder, record.bundled {
                let bundle = staged.appendingPathComponent(record.path)
                for file in record.files.keys.sorted() {
                    let target = bundle.appendingPathComponent(file)
                    try FileManager.default.createDirectory(
                        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try FileManager.default.copyItem(at: encoderSource.appendingPathComponent(file), to: target)
                }
            }
            try Self.writeManifest(manifest, in: staged)
        } catch {
            try? FileManager.default.removeItem(at: staged)
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        try Self.publish(staged, to: path)
        return manifest
    }

    /// A new hidden folder beside `path` to build an artifact in, after checking that `path`
    /// is free or a Magpie model that may be replaced.
    public static func stagingFolder(for path: String) throws(ArtifactError) -> URL {
        let destination = URL(fileURLWithPath: path).standardizedFileURL
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: destination.path, isDirectory: &isDirectory),
            !isDirectory.boolValue || !fileManager.fileExists(atPath: destination.appendingPathComponent(manifestFile).path)
        {
            let contents = (try? fileManager.contentsOfDirectory(atPath: destination.path)) ?? ["?"]
            if !isDirectory.boolValue || !contents.isEmpty { throw .outputIsNotAModel(path: path) }
        }
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let staged = destination.deletingLastPathComponent().appendingPathComponent(
            ".\(destination.lastPathComponent).tmp-\(unique)")
        do {
            try fileManager.createDirectory(at: staged, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        return staged
    }

    /// Writes `manifest` into `folder` with sorted keys and a final newline, durably.
    public static func writeManifest(_ manifest: ModelManifest, in folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var manifestData = try encoder.encode(manifest)
        manifestData.append(UInt8(ascii: "\n"))
        try writeDurably(manifestData, to: folder.appendingPathComponent(manifestFile))
    }

    /// Renames the complete artifact in `staged` (from `stagingFolder`) to `path`, retiring the
    /// model there, so a reader sees the old artifact or the new one, never half of one. The
    /// staging folder is removed if that fails.
    public static func publish(_ staged: URL, to path: String) throws(ArtifactError) {
        let destination = URL(fileURLWithPath: path).standardizedFileURL
        do {
            if FileManager.default.fileExists(atPath: destination.path) {
                let retired = destination.deletingLastPathComponent().appendingPathComponent(
                    ".\(destination.lastPathComponent).old-\(UInt32.random(in: 0...UInt32.max))")
                try rename(destination, to: retired)
                try rename(staged, to: destination)
                try? FileManager.default.removeItem(at: retired)
            } else {
                try rename(staged, to: destination)
            }
        } catch {
            try? FileManager.default.removeItem(at: staged)
            throw error
        }
    }

    static func writeDurably(_ data: Data, to url: URL) throws {
        try data.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.synchronize()
        try handle.close()
    }

    static func rename(_ source: URL, to target: URL) throws(ArtifactError) {
        guard Foundation.rename(source.path, target.path) == 0 else {
            throw .writeFailed(path: target.path, reason: String(cString: strerror(errno)))
        }
    }
}
