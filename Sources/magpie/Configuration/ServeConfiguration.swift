import Foundation
import Gateway
import GatewayHost
import HTTPTypes
import Logging
import ModelRuntime
import Releases
import Retraining
import Storage
import Yams

/// Everything `magpie serve` needs, from defaults, then a YAML file, then `MAGPIE_*`
/// environment variables, then command-line flags, each overriding the one before.
///
/// ```yaml
/// server:
///   host: 127.0.0.1
///   port: 8080
///   database: magpie.sqlite     # or postgres://USER:PASSWORD@HOST:PORT/DB, dynamodb://TABLE, memory://
///   fail_open: false            # true: while the database is down, admit known keys, count later
///   console: true               # the web console at /console (admin keys: magpie keys create --admin)
///   max_body_bytes: 65536
///   allowed_origins: ["https://app.example"]
///   log_level: info             # notice drops the per-request lines, keeps start and stop
///   max_connections: 10000      # then the longest-idle connection is closed, or 503
///   failed_keys: {burst: 20, per_minute: 10}   # wrong API keys per client address, then 429
///   tls: {certificate: cert.pem, key: key.pem}  # HTTPS (HTTP/2 and HTTP/1.1), HSTS; SIGHUP reloads
///   timeouts:                   # seconds; a client that misses one is cut off (408 mid-request)
///     head: 10                  # from a request's first byte (or the connection's opening) to its head's end
///     body_gap: 10              # between two pieces of a body
///     request: 30               # from the head to the body's end
///     keep_alive: 60            # idle between requests
///     linger: 2                 # reading what a client still sends after an answer that closes
///     shutdown: 10              # on SIGTERM, for requests already begun to finish (new ones get 503)
/// models:                       # omit to serve every artifact under --models
///   hate-speech:
///     path: models/hate-speech
///     idle_timeout: 900         # seconds without requests before unloading; 0 never
///     provisioned: false        # true loads at start (/ready is 503 until loaded)
///     max_concurrency: 64
///     max_queue: 256
///   sentiment:                  # a remote model: SageMaker's InvokeEndpoint, signed
///     sagemaker: {endpoint: distilbert-imdb, region: us-east-1}
///     timeout: 30               # seconds for the call, retries included; then 504
///     max_attempts: 3           # AWS's standard retry mode
///     max_concurrency: 8        # then a queue of max_queue, then 503 with Retry-After
///     circuit_breaker: {failures: 5, cooldown: 30}
///     fallback: hate-speech     # answers when this model cannot (X-Magpie-Served-By)
///   ranker:                     # any HTTP server: huggingface, kserve-v2 or magpie
///     http: {url: "http://127.0.0.1:9000/predict", format: huggingface}
///     headers_from_env: {Authorization: RANKER_TOKEN}
/// routes:
///   assistant:                  # POST /v1/routes/assistant
///     json_field: task          # or header: X-Task
///     choices: {hate-speech: hate-speech, offensive: hate-speech}
///     default: hate-speech
/// plans:                        # created, or updated to match, at start
///   demo: {quota: 10000/month, rate: 1000, burst: 1000}
/// ```
struct ServeConfiguration {
    var host = "127.0.0.1"
    var port = 8080
    var database = "magpie.sqlite"
    var modelsDirectory = "models"
    var limits = GatewayLimits()
    var allowedOrigins = ["*"]
    var logLevel = Logger.Level.info
    /// Admit known keys uncounted while the store is down, counting them once it is back.
    var failOpen = false
    /// Serve the web console at `/console`.
    var console = true
    var connectionLimits = ConnectionLimits()
    /// PEM files for HTTPS; nil serves plain HTTP.
    var tls: (certificate: String, key: String)?
    var deploymentDefaults = ModelDeployment(name: "", path: "")
    /// Explicit models; empty means discover under `modelsDirectory`.
    var models: [ModelDeployment] = []
    var routes: [ModelRoute] = []
    /// Each model's canary policy (`models.NAME.canary`); the others use the defaults.
    var releasePolicies: [String: ReleasePolicy] = [:]
    /// Each model's retraining (`models.NAME.retrain`).
    var retrainPolicies: [String: RetrainPolicy] = [:]
    var plans: [UsagePlan] = []

    static let modelKeys: Set<String> = [
        "path", "idle_timeout", "provisioned", "max_concurrency", "max_queue", "sagemaker", "http", "headers_from_env",
        "timeout", "max_attempts", "circuit_breaker", "fallback", "canary", "retrain",
    ]

    /// Applies the YAML file at `path`.
    mutating func apply(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, key: "", line: nil, reason: "cannot read the file")
        }
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: String(decoding: data, as: UTF8.self)) else { return }
            node = composed
        } catch {
            throw ConfigurationError(file: path, key: "", line: nil, reason: "not valid YAML: \(error)")
        }
        let root = YAMLReader(file: path, path: "", node: node)
        for (key, reader) in try root.entries(allowed: ["server", "models", "routes", "plans"]) {
            switch key {
            case "server": try applyServer(reader)
            case "models":
                let entries = try reader.entries(allowed: nil)
                models = try entries.map { try deployment(named: $0.key, $0.reader) }
                for (name, model) in entries {
                    if let policy = try Self.releasePolicy(model) { releasePolicies[name] = policy }
                    if let policy = try Self.retrainPolicy(model) {
                        guard models.first(where: { $0.name == name })?.remote == nil else {
                            throw model.error("a remote model is trained elsewhere; retrain applies to artifacts", key: "retrain")
                        }
                        retrainPolicies[name] = policy
                    }
                }
            case "routes": routes = try reader.entries(allowed: nil).map { try route(named: $0.key, $0.reader) }
            default: plans = try reader.entries(allowed: nil).map { try plan(named: $0.key, $0.reader) }
            }
        }
        try checkRoutes(file: path)
    }

    private mutating func applyServer(_ reader: YAMLReader) throws {
        let keys: Set<String> = [
            "host", "port", "database", "models_directory", "max_body_bytes", "max_text_length", "max_batch_size",
            "allowed_origins", "log_level", "fail_open", "max_connections", "timeouts", "failed_keys", "tls",
            "console",
        ]
        for (key, value) in try reader.entries(allowed: keys) {
            switch key {
            case "host": host = try value.string
            case "port": port = try value.int(in: 0...65_535)
            case "database": database = try value.string
            case "models_directory": modelsDirectory = try value.string
            case "max_body_bytes": limits.maxBodyBytes = try value.int(in: 1024...64 * 1024 * 1024)
            case "max_text_length": limits.maxTextLength = try value.int(in: 1...1_000_000)
            case "max_batch_size": limits.maxBatchSize = try value.int(in: 1...10_000)
            case "fail_open": failOpen = try value.bool
            case "console": console = try value.bool
            case "max_connections": connectionLimits.maxConnections = try value.int(in: 1...1_000_000)
            case "timeouts": try applyTimeouts(value)
            case "tls":
                var files: [String: String] = [:]
                for (field, path) in try value.entries(allowed: ["certificate", "key"]) { files[field] = try path.string }
                guard let certificate = files["certificate"], let key = files["key"] else {
                    throw value.error("needs both certificate and key (PEM files)")
                }
                tls = (certificate, key)
            case "failed_keys":
                for (field, number) in try value.entries(allowed: ["burst", "per_minute"]) {
                    if field == "burst" {
                        limits.failedKeyBurst = try number.int(in: 1...1_000_000)
                    } else {
                        limits.failedKeysPerMinute = try number.positiveNumber
                    }
                }
            case "log_level":
                guard let level = Self.logLevel(try value.string) else { throw value.error(Self.logLevelExpectation) }
                logLevel = level
            default: allowedOrigins = try value.strings
            }
        }
    }

    private mutating func applyTimeouts(_ reader: YAMLReader) throws {
        for (key, value) in try reader.entries(allowed: ["head", "body_gap", "request", "keep_alive", "linger", "shutdown"]) {
            let seconds = try value.positiveNumber
            guard seconds <= 3600 else { throw value.error("expected at most 3600 seconds") }
            let duration = Duration.milliseconds(Int64((seconds * 1000).rounded()))
            switch key {
            case "head": connectionLimits.headTimeout = duration
            case "body_gap": connectionLimits.bodyGapTimeout = duration
            case "request": connectionLimits.requestTimeout = duration
            case "keep_alive": connectionLimits.keepAliveTimeout = duration
            case "shutdown": connectionLimits.shutdownTimeout = duration
            default: connectionLimits.lingerTimeout = duration
            }
        }
    }

    private func deployment(named name: String, _ reader: YAMLReader) throws -> ModelDeployment {
        var deployment = deploymentDefaults
        deployment.name = name
        deployment.path = ""
        var target: RemoteEndpoint.Target?
        var remote = RemoteEndpoint(target: .http(url: "", format: .huggingFace))
        var remoteOnlyKeys: [String] = []
        for (key, value) in try reader.entries(allowed: Self.modelKeys) {
            switch key {
            case "path": deployment.path = try value.string
            case "idle_timeout":
                let seconds = try value.int(in: 0...31_536_000)
                deployment.idleTimeout = seconds == 0 ? nil : .seconds(seconds)
            case "provisioned": deployment.provisioned = try value.bool
            case "max_concurrency": deployment.maxConcurrency = try value.int(in: 1...100_000)
            case "max_queue": deployment.maxQueue = try value.int(in: 0...1_000_000)
            case "fallback": deployment.fallback = try value.string
            case "canary", "retrain": break  // read by `releasePolicy` and `retrainPolicy`
            case "sagemaker", "http":
                guard target == nil else { throw value.error("give sagemaker or http, not both") }
                target = key == "sagemaker" ? try Self.sageMakerTarget(value) : try Self.httpTarget(value)
            case "headers_from_env":
                remoteOnlyKeys.append(key)
                for (header, variable) in try value.entries(allowed: nil) {
                    guard HTTPField.Name(header) != nil else { throw variable.error("'\(header)' is not a valid header name") }
                    remote.headersFromEnvironment[header] = try variable.string
                }
            case "timeout":
                remoteOnlyKeys.append(key)
                remote.timeout = .seconds(try value.int(in: 1...900))
            case "max_attempts":
                remoteOnlyKeys.append(key)
                remote.maxAttempts = try value.int(in: 1...20)
            default:
                remoteOnlyKeys.append(key)
                for (breakerKey, setting) in try value.entries(allowed: ["failures", "cooldown"]) {
                    if breakerKey == "failures" {
                        remote.breakerFailures = try setting.int(in: 1...1000)
                    } else {
                        remote.breakerCooldown = .seconds(try setting.int(in: 1...3600))
                    }
                }
            }
        }
        if deployment.fallback == name { throw reader.error("a model cannot be its own fallback", key: "fallback") }
        if let target {
            guard deployment.path.isEmpty else { throw reader.error("a remote model has no path", key: "path") }
            remote.target = target
            deployment.remote = remote
            // A remote model holds no memory worth freeing, and its breaker state must last.
            deployment.idleTimeout = nil
            return deployment
        }
        if let key = remoteOnlyKeys.first {
            throw reader.error("\(key) applies to remote models only (with sagemaker or http)", key: key)
        }
        guard !deployment.path.isEmpty else { throw reader.error("needs a path to the model artifact, or sagemaker or http") }
        return deployment
    }

    /// `models.NAME.canary`: when a canary passes and what fails it; nil when absent.
    static func releasePolicy(_ model: YAMLReader) throws -> ReleasePolicy? {
        guard let canary = try model.entries(allowed: nil).first(where: { $0.key == "canary" })?.reader else { return nil }
        var policy = ReleasePolicy()
        let keys: Set<String> = [
            "min_requests", "min_duration", "early_requests", "max_error_rate_increase", "max_latency_ratio",
            "min_latency_increase_ms", "max_label_divergence", "min_feedback", "max_accuracy_drop", "step",
        ]
        for (key, value) in try canary.entries(allowed: keys) {
            switch key {
            case "min_requests": policy.minimumRequests = try value.int(in: 1...10_000_000)
            case "min_duration": policy.minimumDuration = .seconds(try value.int(in: 0...604_800))
            case "early_requests": policy.earlyRequests = try value.int(in: 1...10_000_000)
            case "max_error_rate_increase": policy.maxErrorRateIncrease = try value.fraction
            case "max_latency_ratio": policy.maxLatencyRatio = try value.positiveNumber
            case "min_latency_increase_ms": policy.minimumLatencyIncrease = .milliseconds(try value.int(in: 0...600_000))
            case "max_label_divergence": policy.maxLabelDivergence = try value.fraction
            case "min_feedback": policy.minimumFeedback = try value.int(in: 1...10_000_000)
            case "max_accuracy_drop": policy.maxAccuracyDrop = try value.fraction
            default: policy.step = try value.int(in: 1...99)
            }
        }
        return policy
    }

    /// `models.NAME.retrain`: where new datasets land and how versions trained on them are
    /// gated; nil when absent.
    static func retrainPolicy(_ model: YAMLReader) throws -> RetrainPolicy? {
        guard let section = try model.entries(allowed: nil).first(where: { $0.key == "retrain" })?.reader else { return nil }
        let keys: Set<String> = [
            "source", "max_regression", "merge", "poll", "canary_weight", "holdout_fraction", "min_rows_per_label",
        ]
        let entries = try section.entries(allowed: keys)
        guard let source = try entries.first(where: { $0.key == "source" })?.reader.string, !source.isEmpty else {
            throw section.error("needs source: a folder or s3://BUCKET/PREFIX where new datasets land")
        }
        if source.hasPrefix("s3://"), source.dropFirst(5).prefix(while: { $0 != "/" }).isEmpty {
            throw section.error("source \(source): give s3://BUCKET/PREFIX", key: "source")
        }
        var policy = RetrainPolicy(source: source)
        for (key, value) in entries {
            switch key {
            case "source": break
            case "max_regression": policy.maxRegression = try value.fraction
            case "merge": policy.merge = try value.bool
            case "poll": policy.pollInterval = .seconds(try value.int(in: 1...86_400))
            case "canary_weight": policy.canaryWeight = try value.int(in: 1...100)
            case "holdout_fraction": policy.holdoutFraction = try value.fraction
            default: policy.minimumRowsPerLabel = try value.int(in: 1...1_000_000)
            }
        }
        return policy
    }

    static func sageMakerTarget(_ reader: YAMLReader) throws -> RemoteEndpoint.Target {
        var endpoint: String?
        var region: String?
        for (key, value) in try reader.entries(allowed: ["endpoint", "region"]) {
            if key == "endpoint" { endpoint = try value.string } else { region = try value.string }
        }
        guard let endpoint, RemoteEndpoint.isSageMakerEndpointName(endpoint) else {
            throw reader.error("needs endpoint: a SageMaker endpoint name (letters, digits and hyphens, at most 63)")
        }
        return .sageMaker(endpoint: endpoint, region: region)
    }

    static func httpTarget(_ reader: YAMLReader) throws -> RemoteEndpoint.Target {
        var url: String?
        var format = RemotePayloadFormat.huggingFace
        for (key, value) in try reader.entries(allowed: ["url", "format"]) {
            if key == "url" {
                let text = try value.string
                guard let components = URLComponents(string: text), ["http", "https"].contains(components.scheme ?? ""),
                    components.host?.isEmpty == false
                else { throw value.error("must be an http:// or https:// URL") }
                url = text
            } else {
                let name = try value.string
                guard let parsed = RemotePayloadFormat(rawValue: name) else {
                    throw value.error(
                        "expected one of: \(RemotePayloadFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                format = parsed
            }
        }
        guard let url else { throw reader.error("needs url") }
        return .http(url: url, format: format)
    }

    private func route(named name: String, _ reader: YAMLReader) throws -> ModelRoute {
        var selector: ModelRoute.Selector?
        var choices: [String: String] = [:]
        var defaultChoice: String?
        for (key, value) in try reader.entries(allowed: ["json_field", "header", "choices", "default"]) {
            switch key {
            case "json_field", "header":
                guard selector == nil else { throw value.error("give json_field or header, not both") }
                selector = key == "header" ? .header(try value.string) : .jsonField(try value.string)
            case "choices":
                for (choice, model) in try value.entries(allowed: nil) { choices[choice] = try model.string }
            default: defaultChoice = try value.string
            }
        }
        guard let selector else { throw reader.error("needs json_field or header to choose the model by") }
        guard !choices.isEmpty else { throw reader.error("needs choices (choice: model)") }
        if let defaultChoice, choices[defaultChoice] == nil {
            throw reader.error("default '\(defaultChoice)' is not one of the choices", key: "default")
        }
        return ModelRoute(name: name, selector: selector, choices: choices, defaultChoice: defaultChoice)
    }

    private func plan(named name: String, _ reader: YAMLReader) throws -> UsagePlan {
        var quota: Quota?
        var rate: Double?
        var burst: Int?
        for (key, value) in try reader.entries(allowed: ["quota", "rate", "burst"]) {
            switch key {
            case "quota": quota = try Quota(parsing: try value.string)
            case "rate": rate = try value.positiveNumber
            default: burst = try value.int(in: 1...1_000_000_000)
            }
        }
        guard let rate, let burst else { throw reader.error("needs rate and burst") }
        return try UsagePlan(name: name, quota: quota, rate: rate, burst: burst)
    }

    /// Routes and fallbacks may only name models that are served, and fallbacks may not
    /// chain into a loop.
    private func checkRoutes(file: String) throws {
        guard !models.isEmpty else { return }
        let served = Set(models.map(\.name))
        for model in models {
            guard let fallback = model.fallback else { continue }
            guard served.contains(fallback) else {
                throw ConfigurationError(
                    file: file, key: "models.\(model.name).fallback", line: nil,
                    reason: "model '\(fallback)' is not among the served models (\(served.sorted().joined(separator: ", ")))")
            }
            if models.first(where: { $0.name == fallback })?.fallback != nil {
                throw ConfigurationError(
                    file: file, key: "models.\(model.name).fallback", line: nil,
                    reason: "fallback '\(fallback)' has a fallback of its own; a fallback must answer by itself")
            }
        }
        for route in routes {
            for (choice, model) in route.choices.sorted(by: { $0.key < $1.key }) where !served.contains(model) {
                throw ConfigurationError(
                    file: file, key: "routes.\(route.name).choices.\(choice)", line: nil,
                    reason: "model '\(model)' is not among the served models (\(served.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// A log level by swift-log's name (`trace` … `critical`), case ignored.
    static func logLevel(_ name: String) -> Logger.Level? {
        Logger.Level(rawValue: name.lowercased())
    }

    static let logLevelExpectation =
        "expected one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"

    /// Applies `MAGPIE_HOST`, `MAGPIE_PORT`, `MAGPIE_DATABASE`, `MAGPIE_MODELS`,
    /// `MAGPIE_MAX_BODY_BYTES`, `MAGPIE_ALLOWED_ORIGINS` (comma-separated) and
    /// `MAGPIE_LOG_LEVEL`.
    mutating func apply(environment: [String: String]) throws {
        func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError(
                    file: "environment", key: name, line: nil,
                    reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            return value
        }
        if let value = environment["MAGPIE_HOST"] { host = value }
        if let value = try number("MAGPIE_PORT", 0...65_535) { port = value }
        if let value = environment["MAGPIE_DATABASE"] { database = value }
        if let value = environment["MAGPIE_MODELS"] { modelsDirectory = value }
        if let value = try number("MAGPIE_MAX_BODY_BYTES", 1024...64 * 1024 * 1024) { limits.maxBodyBytes = value }
        if let value = environment["MAGPIE_ALLOWED_ORIGINS"] {
            allowedOrigins = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let value = environment["MAGPIE_LOG_LEVEL"] {
            guard let level = Self.logLevel(value) else {
                throw ConfigurationError(
                    file: "environment", key: "MAGPIE_LOG_LEVEL", line: nil,
                    reason: "\(Self.logLevelExpectation), got '\(value)'")
            }
            logLevel = level
        }
    }
}
