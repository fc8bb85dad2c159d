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
///   remembered_answers: 100000  # answers kept for feedback to score (about 250 bytes each)
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
package struct ServeConfiguration {
    package var host = "127.0.0.1"
    package var port = 8080
    package var database = "magpie.sqlite"
    package var modelsDirectory = "models"
    package var limits = GatewayLimits()
    package var allowedOrigins = ["*"]
    package var logLevel = Logger.Level.info
    /// Admit known keys uncounted while the store is down, counting them once it is back.
    package var failOpen = false
    /// Serve the web console at `/console`.
    package var console = true
    package var connectionLimits = ConnectionLimits()
    /// PEM files for HTTPS; nil serves plain HTTP.
    package var tls: (certificate: String, key: String)?
    package var deploymentDefaults = ModelDeployment(name: "", path: "")
    /// Explicit models; empty means discover under `modelsDirectory`.
    package var models: [ModelDeployment] = []
    package var routes: [ModelRoute] = []
    /// Each model's canary policy (`models.NAME.canary`); the others use the defaults.
    package var releasePolicies: [String: ReleasePolicy] = [:]
    /// Each model's retraining (`models.NAME.retrain`).
    package var retrainPolicies: [String: RetrainPolicy] = [:]
    package var plans: [UsagePlan] = []

    package init() {}

    package static let modelKeys: Set<String> = [
        "path", "idle_timeout", "provisioned", "max_concurrency", "max_queue", "sagemaker", "http", "headers_from_env",
        "timeout", "max_attempts", "circuit_breaker", "fallback", "canary", "retrain", "batching",
    ]

    /// Applies the YAML file at `path`.
    package mutating func apply(file path: String) throws {
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

    mutating func applyServer(_ reader: YAMLReader) throws {
        let keys: Set<String> = [
            "host", "port", "database", "models_directory", "max_body_bytes", "max_text_length", "max_batch_size",
            "allowed_origins", "log_level", "fail_open", "max_connections", "timeouts", "failed_keys", "tls",
            "console", "remembered_answers",
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
            case "remembered_answers": limits.rememberedAnswers = try value.int(in: 1...10_000_000)
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

    mutating func applyTimeouts(_ reader: YAMLReader) throws {
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

}
