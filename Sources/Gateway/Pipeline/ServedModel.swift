import Classifiers
import ModelRuntime

/// What the gateway knows of a served model before any request: its name, its profile (kind,
/// version, labels, location) and its fallback. Read at start, so listing models and refusing
/// unknown ones touch no model.
public struct ServedModel: Sendable {
    public var name: String
    public var profile: ModelProfile
    /// The model that answers when this one cannot.
    public var fallback: String?
    /// A remote model's client, which reports its upstream's health for `GET /v1/models`.
    public var upstream: (any ServableModel)?

    public init(name: String, profile: ModelProfile, fallback: String? = nil, upstream: (any ServableModel)? = nil) {
        self.name = name
        self.profile = profile
        self.fallback = fallback
        self.upstream = upstream
    }

    /// A local artifact, described by its manifest.
    public init(name: String, manifest: ModelManifest, fallback: String? = nil) {
        self.init(name: name, profile: ModelProfile(manifest: manifest), fallback: fallback)
    }

    /// A model on another server, described by its client.
    public init(name: String, remote: any ServableModel, fallback: String? = nil) {
        self.init(name: name, profile: remote.profile, fallback: fallback, upstream: remote)
    }

    /// The artifact's version, or `remote`.
    public var version: String { profile.version }
    public var labels: [String] { profile.labels }
}
