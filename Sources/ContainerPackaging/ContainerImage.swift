import Foundation
import LambdaPackaging

/// One image for every way AWS and Kubernetes run a model: the release binary with the glibc
/// files it needs, CA certificates, the models and a non-root user, built from scratch as an
/// OCI image archive that `podman load` and `skopeo copy oci-archive:...` take, with no
/// Docker engine or registry involved. The entry point (`magpie container`) picks its mode the
/// way each platform starts a container (docs/containers.md).
public struct ContainerImage: Sendable {
    public var executable: String
    public var models: [String]
    /// `NAME:VERSION`, recorded as the image's reference name.
    public var tag: String
    /// Magpie's version, recorded in the image's annotations.
    public var magpieVersion: String
    /// Where the image's source lives (a repository URL), recorded as
    /// `org.opencontainers.image.source` when given.
    public var source: String?

    public init(executable: String, models: [String], tag: String, magpieVersion: String, source: String? = nil) {
        self.executable = executable
        self.models = models
        self.tag = tag
        self.magpieVersion = magpieVersion
        self.source = source
    }

    /// Where things live inside the image.
    public enum Paths {
        public static let executable = "/usr/local/bin/magpie"
        public static let models = "/opt/magpie/models"
        public static let home = "/home/magpie"
        public static let certificates = "/etc/ssl/certs/ca-certificates.crt"
        /// The user and group the image runs as: not root, and not a user of the host's.
        public static let userID = 10_001
    }

    public struct Summary: Sendable {
        public var output: String
        public var tag: String
        public var architecture: String
        public var models: [String]
        /// The image's bytes as a registry stores them: layer, config and manifest.
        public var imageBytes: Int64
        public var libraries: [String]
    }

    /// Checks every model (loading it, so a bad checksum fails here rather than in the
    /// container), then writes the archive to `output`.
    public func write(to output: String) throws(ContainerPackagingError) -> Summary {
        guard Self.isValidTag(tag) else { throw .invalidTag(tag) }
        let checked: PackagedModels
        do { checked = try PackagedModels(paths: models) } catch { throw .model(error) }
        let outputURL = URL(fileURLWithPath: output)
        if FileManager.default.fileExists(atPath: output), !OCIArchive.isImageArchive(outputURL) {
            throw .outputExists(output)
        }
        let names = checked.folders
        var annotations = checked.annotations.merging(
            ["org.opencontainers.image.title": "magpie", "org.opencontainers.image.version": magpieVersion],
            uniquingKeysWith: { first, _ in first })
        if let source { annotations["org.opencontainers.image.source"] = source }
        let (libraries, architecture) = try SharedLibraries.files(for: executable)

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-image-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
            throw .writeFailed(scratch.path, reason: "\(error)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let layerURL = scratch.appendingPathComponent("layer.tar")
        var layer = try TarWriter(creating: layerURL)
        try RootFilesystem(executable: executable, libraries: libraries, models: names).write(into: &layer)
        let layerBlob = try layer.finish()

        let configuration = ImageConfiguration(
            architecture: architecture, layer: layerBlob,
            environment: [
                "PATH=/usr/local/bin:/usr/bin:/bin", "MAGPIE_MODELS=\(Paths.models)",
                "MAGPIE_DATABASE=\(Paths.home)/magpie.sqlite", "SSL_CERT_FILE=\(Paths.certificates)",
            ],
            entryPoint: [Paths.executable, "container"], user: "\(Paths.userID):\(Paths.userID)",
            workingDirectory: Paths.home, port: 8080, labels: annotations)
        let written = try OCIArchive.write(
            layer: layerURL, layerBlob: layerBlob, configuration: try configuration.json(), annotations: annotations,
            tag: tag, to: outputURL)
        return Summary(
            output: output, tag: tag, architecture: architecture, models: names.keys.sorted(), imageBytes: written,
            libraries: libraries.map(\.imagePath))
    }

    /// A reference name podman and registries accept: a lowercase repository, then a tag.
    static func isValidTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let name = parts.first, let version = parts.last, !name.isEmpty, !version.isEmpty,
            version.count <= 128
        else { return false }
        let nameCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789._-/")
        let versionCharacters = nameCharacters.union("ABCDEFGHIJKLMNOPQRSTUVWXYZ").subtracting("/")
        return name.allSatisfy(nameCharacters.contains) && version.allSatisfy(versionCharacters.contains)
            && name.first?.isLetter == true
    }
}
