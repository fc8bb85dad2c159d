import Foundation

/// The OCI image configuration: how a runtime starts the container (entry point, user,
/// environment, port) and which layer it unpacks. Dated 1970-01-01, so the same inputs give
/// the same image digest.
struct ImageConfiguration: Encodable {
    var architecture: String
    var os = "linux"
    var created = "1970-01-01T00:00:00Z"
    var config: RunSettings
    var rootfs: Layers
    var history: [History]

    struct RunSettings: Encodable {
        var user: String
        var environment: [String]
        var entryPoint: [String]
        var command: [String] = []
        var workingDirectory: String
        var exposedPorts: [String: Empty]
        var labels: [String: String]
        var stopSignal = "SIGTERM"

        enum CodingKeys: String, CodingKey {
            case user = "User"
            case environment = "Env"
            case entryPoint = "Entrypoint"
            case command = "Cmd"
            case workingDirectory = "WorkingDir"
            case exposedPorts = "ExposedPorts"
            case labels = "Labels"
            case stopSignal = "StopSignal"
        }
    }

    struct Empty: Encodable {}

    struct Layers: Encodable {
        var type = "layers"
        /// The uncompressed layers' digests; the one layer is stored uncompressed, so its
        /// digest is also its diff ID.
        var diffIDs: [String]

        enum CodingKeys: String, CodingKey {
            case type
            case diffIDs = "diff_ids"
        }
    }

    struct History: Encodable {
        var created = "1970-01-01T00:00:00Z"
        var createdBy: String

        enum CodingKeys: String, CodingKey {
            case created
            case createdBy = "created_by"
        }
    }

    init(
        architecture: String, layer: Blob, environment: [String], entryPoint: [String], user: String,
        workingDirectory: String, port: Int, labels: [String: String]
    ) {
        self.architecture = architecture
        config = RunSettings(
            user: user, environment: environment, entryPoint: entryPoint, workingDirectory: workingDirectory,
            exposedPorts: ["\(port)/tcp": Empty()], labels: labels)
        rootfs = Layers(diffIDs: [layer.digest])
        history = [History(createdBy: "magpie package container")]
    }

    func json() throws(ContainerPackagingError) -> Data {
        do { return try OCIArchive.encoder.encode(self) } catch { throw .writeFailed("image configuration", reason: "\(error)") }
    }
}
