import Classifiers
import ModelRuntime

/// What the gateway knows of a served model before any request: its name, what it is and
/// where it runs. Read at start, so listing models and rejecting unknown ones touch no model.
public struct ServedModel: Sendable {
    public var name: String
    /// The artifact's version, or `remote`.
    public var version: String
    /// The artifact's labels; empty for a remote model.
    public var labels: [String]
    /// The model that answers when this one cannot.
    public var fallback: String?
    /// The client of a remote model, for its location and health.
    public var remote: (any RemoteClassifier)?

    public init(
        name: String, version: String, labels: [String], fallback: String? = nil, remote: (any RemoteClassifier)? = nil
    ) {
        self.name = name
        self.version = version
        self.labels = labels
        self.fallback = fallback
        self.remote = remote
    }

    /// A local artifact, described by its manifest.
    public init(name: String, manifest: ModelManifest, fallback: String? = nil) {
        self.init(name: name, version: manifest.version, labels: manifest.labels.map(\.name), fallback: fallback)
    }

    /// Where the model runs, for `GET /v1/models`.
    package var location: [String: String] {
        remote?.endpoint.location ?? ["kind": "local"]
    }
}
