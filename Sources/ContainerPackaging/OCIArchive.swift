import Crypto
import Foundation

/// An OCI image layout (image-spec v1.1, "Image Layout") in one tar file: `oci-layout`,
/// `index.json` naming the image by its tag, and `blobs/sha256/` holding the layer, the
/// configuration and the manifest, each under its digest. `podman load -i` reads it, and
/// `skopeo copy oci-archive:FILE docker://REGISTRY/NAME:TAG` pushes it (to ECR, for SageMaker
/// and Lambda).
enum OCIArchive {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let layerMediaType = "application/vnd.oci.image.layer.v1.tar"
    static let configMediaType = "application/vnd.oci.image.config.v1+json"
    static let manifestMediaType = "application/vnd.oci.image.manifest.v1+json"

    struct Descriptor: Encodable {
        var mediaType: String
        var digest: String
        var size: Int64
        var annotations: [String: String]?
    }

    struct Manifest: Encodable {
        var schemaVersion = 2
        var mediaType = OCIArchive.manifestMediaType
        var config: Descriptor
        var layers: [Descriptor]
        var annotations: [String: String]
    }

    struct Index: Encodable {
        var schemaVersion = 2
        var mediaType = "application/vnd.oci.image.index.v1+json"
        var manifests: [Descriptor]
    }

    /// Writes the archive (to a temporary name, renamed into place) and returns the image's
    /// size: its layer, configuration and manifest.
    static func write(
        layer: URL, layerBlob: Blob, configuration: Data, annotations: [String: String], tag: String, to output: URL
    ) throws(ContainerPackagingError) -> Int64 {
        let configBlob = blob(configuration)
        let manifest = Manifest(
            config: Descriptor(mediaType: configMediaType, digest: configBlob.digest, size: configBlob.size),
            layers: [Descriptor(mediaType: layerMediaType, digest: layerBlob.digest, size: layerBlob.size)],
            annotations: annotations)
        let manifestData = try encode(manifest)
        let manifestBlob = blob(manifestData)
        let index = Index(manifests: [
            Descriptor(
                mediaType: manifestMediaType, digest: manifestBlob.digest, size: manifestBlob.size,
                annotations: ["org.opencontainers.image.ref.name": tag])
        ])

        let partial = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial")
        var archive = try TarWriter(creating: partial)
        do {
            try archive.addFile("oci-layout", contents: Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
            try archive.addFile("index.json", contents: try encode(index))
            try archive.addDirectory("blobs")
            try archive.addDirectory("blobs/sha256")
            try archive.addFile(path(of: layerBlob), from: layer)
            try archive.addFile(path(of: configBlob), contents: configuration)
            try archive.addFile(path(of: manifestBlob), contents: manifestData)
            _ = try archive.finish()
            _ = try? FileManager.default.removeItem(at: output)
            try FileManager.default.moveItem(at: partial, to: output)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            if let error = error as? ContainerPackagingError { throw error }
            throw .writeFailed(output.path, reason: "\(error)")
        }
        return layerBlob.size + configBlob.size + manifestBlob.size
    }

    /// Whether a file is one this writes (so `--output` may replace it): a tar whose first
    /// entry is `oci-layout`.
    static func isImageArchive(_ url: URL) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 512), header.count == 512 else { return false }
        return header.prefix(11) == Data("oci-layout\0".utf8) && header[257..<262] == Data("ustar".utf8)
    }

    private static func blob(_ data: Data) -> Blob {
        Blob(digest: "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined(), size: Int64(data.count))
    }

    private static func path(of blob: Blob) -> String {
        "blobs/sha256/" + blob.digest.dropFirst("sha256:".count)
    }

    private static func encode(_ value: some Encodable) throws(ContainerPackagingError) -> Data {
        do { return try encoder.encode(value) } catch { throw .writeFailed("image manifest", reason: "\(error)") }
    }
}
