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

/// `models:`: each model's deployment, artifact or remote, and its canary and retraining.
extension ServeConfiguration {
    func deployment(named name: String, _ reader: YAMLReader) throws -> ModelDeployment {
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
            case "batching": deployment.batching = try Self.batching(value)
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
    package static func releasePolicy(_ model: YAMLReader) throws -> ReleasePolicy? {
        guard let canary = try model.entries(allowed: nil).first(where: { $0.key == "canary" })?.reader else { return nil }
        var policy = ReleasePolicy()
        let keys: Set<String> = [
            "min_requests", "min_duration", "early_requests", "max_error_rate_increase", "max_latency_ratio",
            "min_latency_increase_ms", "max_label_divergence", "min_feedback", "max_accuracy_drop", "step",
            "paired_sample", "min_agreement", "max_score_divergence", "max_validation_drop",
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
            case "paired_sample": policy.pairedSample = try value.int(in: 0...100)
            case "min_agreement": policy.minimumAgreement = try value.fraction
            case "max_score_divergence": policy.maxScoreDivergence = try value.fraction
            case "max_validation_drop": policy.maxValidationDrop = try value.fraction
            default: policy.step = try value.int(in: 1...99)
            }
        }
        return policy
    }

    /// `models.NAME.retrain`: where new datasets land and how versions trained on them are
    /// gated; nil when absent.
    package static func retrainPolicy(_ model: YAMLReader) throws -> RetrainPolicy? {
        guard let section = try model.entries(allowed: nil).first(where: { $0.key == "retrain" })?.reader else { return nil }
        let keys: Set<String> = [
            "source", "max_regression", "merge", "poll", "canary_weight", "holdout_fraction", "min_rows_per_label",
            "min_holdout_rows_per_label",
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
            case "min_holdout_rows_per_label": policy.minimumHoldoutRowsPerLabel = try value.int(in: 1...1_000_000)
            default: policy.minimumRowsPerLabel = try value.int(in: 1...1_000_000)
            }
        }
        return policy
    }

    package static func sageMakerTarget(_ reader: YAMLReader) throws -> RemoteEndpoint.Target {
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

    package static func httpTarget(_ reader: YAMLReader) throws -> RemoteEndpoint.Target {
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
}
