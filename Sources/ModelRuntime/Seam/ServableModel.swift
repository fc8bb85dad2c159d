import Classifiers

/// The one seam every kind of model answers through: an n-gram artifact, an encoder head, a
/// fine-tuned encoder, an ensemble, or a model on another server. The registry, the gateway
/// and the release machinery call this and nothing else, so what wraps a model (a fault in a
/// test, batching, a cache, a shadow copy, an explanation) wraps it here instead of branching
/// on its kind.
public protocol ServableModel: Sendable {
    /// What the model says about itself, fixed once it is loaded.
    var profile: ModelProfile { get }

    /// Predictions in the order of `texts`. Errors are the model's own: `EncoderError` from a
    /// local encoder, `RemoteModelError` from an upstream.
    func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer

    /// Each token's share of `label`'s score for `text` (the predicted label's when nil); nil
    /// for a model on another server, whose gradients and weights are out of reach. Every
    /// wrapper passes it on, so there is no default.
    func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation?

    /// The upstream's health as its circuit breaker sees it; nil for a model in this process.
    var upstreamHealth: RemoteHealth? { get }
}

extension ServableModel {
    public var upstreamHealth: RemoteHealth? { nil }
}

/// What a model declares about itself.
public struct ModelProfile: Sendable, Equatable {
    public var kind: ModelKind
    /// The artifact's version, or `remote`.
    public var version: String
    /// The classes an artifact predicts; empty for a remote model, whose answers name their own.
    public var labels: [String]
    /// Where the model runs, for `GET /v1/models`: `{"kind": "local"}`, or the upstream's
    /// kind and address.
    public var location: [String: String]

    public init(kind: ModelKind, version: String, labels: [String], location: [String: String] = ["kind": "local"]) {
        self.kind = kind
        self.version = version
        self.labels = labels
        self.location = location
    }

    /// Whether the model runs a transformer encoder in this process, which batching and
    /// shared encoders care about.
    public var runsEncoder: Bool {
        switch kind {
        case .encoderHead, .fineTunedEncoder, .ensemble: true
        case .nGram, .remote: false
        }
    }
}

/// What kind of model answers.
public enum ModelKind: String, Sendable, Equatable {
    case nGram = "ngram"
    /// A frozen encoder feeding a trained head.
    case encoderHead = "encoder_head"
    case fineTunedEncoder = "fine_tuned_encoder"
    /// An average of other artifacts (an n-gram model and fine-tuned encoders).
    case ensemble
    case remote
}

/// A model's answer to a request's texts, and what it took.
public struct ModelAnswer: Sendable {
    public var predictions: [Prediction]
    /// The texts an encoder cut at its maximum length, by position.
    public var truncated: [Bool]
    /// Computing time, for a model in this process.
    public var computing: Duration?
    /// Time spent waiting on an upstream, retries and backoff included.
    public var upstream: Duration?
    /// Time spent waiting for a batch to start, when the model batches requests.
    public var queueing: Duration?
    /// Texts in the forward pass that computed the answer, every request's in its batch: the
    /// batch size the console draws per model.
    public var passTexts: Int?

    public init(
        predictions: [Prediction], truncated: [Bool]? = nil, computing: Duration? = nil, upstream: Duration? = nil,
        queueing: Duration? = nil, passTexts: Int? = nil
    ) {
        self.predictions = predictions
        self.truncated = truncated ?? Array(repeating: false, count: predictions.count)
        self.computing = computing
        self.upstream = upstream
        self.queueing = queueing
        self.passTexts = passTexts
    }
}

extension ModelKind {
    /// What an artifact's manifest says it is.
    public init(manifest: ModelManifest) {
        if manifest.isEnsemble {
            self = .ensemble
        } else if manifest.isFineTunedEncoder {
            self = .fineTunedEncoder
        } else if manifest.encoder != nil {
            self = .encoderHead
        } else {
            self = .nGram
        }
    }
}

extension ModelProfile {
    /// An artifact's profile, read from its manifest before its weights load.
    public init(manifest: ModelManifest) {
        self.init(kind: ModelKind(manifest: manifest), version: manifest.version, labels: manifest.labels.map(\.name))
    }

    /// A model on another server: it has no Magpie version, and its answers name their labels.
    public init(remote endpoint: RemoteEndpoint?) {
        self.init(kind: .remote, version: "remote", labels: [], location: endpoint?.location ?? ["kind": "remote"])
    }
}
