/// Where a remote model runs and how calls to it are bounded, as configured. A description
/// only: the `RemoteModels` target turns it into a client, so this target stays free of HTTP.
public struct RemoteEndpoint: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        /// SageMaker Runtime's `InvokeEndpoint`; a nil region takes the environment's.
        case sageMaker(endpoint: String, region: String?)
        /// Any HTTP inference server speaking `format`.
        case http(url: String, format: RemotePayloadFormat)
    }

    public var target: Target
    /// Request headers whose values come from environment variables (tokens stay out of the
    /// configuration file), e.g. `Authorization: RANKER_TOKEN`.
    public var headersFromEnvironment: [String: String]
    /// The whole call, retries included, must answer within this; past it the client gets 504.
    public var timeout: Duration
    /// Attempts per call, the first included (AWS's standard retry mode uses 3), for failures
    /// other than "not ready yet": a cold endpoint and throttling are retried until `timeout`.
    public var maxAttempts: Int
    /// Consecutive failed calls that open the circuit breaker.
    public var breakerFailures: Int
    /// How long an open breaker refuses calls before one probe may try again.
    public var breakerCooldown: Duration

    public init(
        target: Target, headersFromEnvironment: [String: String] = [:], timeout: Duration = .seconds(30), maxAttempts: Int = 3,
        breakerFailures: Int = 5, breakerCooldown: Duration = .seconds(30)
    ) {
        self.target = target
        self.headersFromEnvironment = headersFromEnvironment
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.breakerFailures = breakerFailures
        self.breakerCooldown = breakerCooldown
    }

    /// Kept free at the end of `timeout` for the last attempt's answer: a tenth of it, at most
    /// a second, so a retry of a cold endpoint never starts too late to be answered in time.
    public var answerMargin: Duration { min(.seconds(1), timeout / 10) }

    /// SageMaker's rule for endpoint names, `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`: checked when a
    /// configuration or package names one, so a typo fails at start rather than at the first call.
    public static func isSageMakerEndpointName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
            return false
        }
        let allowed = Set(Array("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8))
        return bytes.allSatisfy(allowed.contains)
    }

    /// Where the model runs, for `GET /v1/models`: kind and target, never a header value.
    public var location: [String: String] {
        switch target {
        case .sageMaker(let endpoint, let region):
            var location = ["kind": "sagemaker", "endpoint": endpoint]
            if let region { location["region"] = region }
            return location
        case .http(let url, let format): return ["kind": "http", "url": url, "format": format.rawValue]
        }
    }
}

/// The payloads remote servers speak.
public enum RemotePayloadFormat: String, Sendable, Equatable, CaseIterable {
    /// SageMaker's Hugging Face containers and text-embeddings-inference `/predict`:
    /// `{"inputs": text | [texts]}` → `[{"label", "score"}]`, or one list per input.
    case huggingFace = "huggingface"
    /// The Open Inference Protocol (KServe v2), a BYTES input tensor.
    case kserveV2 = "kserve-v2"
    /// Another Magpie's `classify`.
    case magpie
}
