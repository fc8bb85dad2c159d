import Classifiers

/// The one description of a served model: how it is served (its deployment: where, which
/// version, its limits and fallback) and what it is (its profile). Read at start from
/// manifests and configuration, so listing models and refusing unknown ones touch no weights
/// and no upstream.
public struct ServedModel: Sendable {
    public var deployment: ModelDeployment
    public var profile: ModelProfile
    /// The artifact's manifest; nil for a model on another server.
    public var manifest: ModelManifest?
    /// The model's folder, which holds its versions (new ones appear there); nil for a
    /// model on another server.
    public var folder: String?
    /// A remote model's client, which reports its upstream's health for listings; set when
    /// the client is built.
    public var upstream: (any ServableModel)?

    /// A version of a local artifact, described by its manifest.
    public init(deployment: ModelDeployment, manifest: ModelManifest, folder: String? = nil) {
        self.deployment = deployment
        self.profile = ModelProfile(manifest: manifest)
        self.manifest = manifest
        self.folder = folder
    }

    /// A model on another server, described by its configuration until `client` is given.
    public init(remote deployment: ModelDeployment, client: (any ServableModel)? = nil) {
        self.deployment = deployment
        self.profile = client?.profile ?? ModelProfile(remote: deployment.remote)
        self.upstream = client
    }

    public var name: String { deployment.name }
    /// The model that answers when this one cannot.
    public var fallback: String? { deployment.fallback }
    /// The artifact's version, or `remote`.
    public var version: String { profile.version }
    public var labels: [String] { profile.labels }
}
