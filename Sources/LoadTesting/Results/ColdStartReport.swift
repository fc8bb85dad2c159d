import Foundation

/// The cold-start samples of a run and their summary, beside the warm distribution in the
/// same report: how much slower a first request is, and how much of that the server spent
/// loading its model.
public struct ColdStartReport: Sendable, Codable, Equatable {
    public struct Summary: Sendable, Codable, Equatable {
        public var min, median, max, mean: Double

        init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            min = sorted[0]
            max = sorted[sorted.count - 1]
            median =
                sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            mean = values.reduce(0, +) / Double(values.count)
        }
    }

    /// `restart` or `idle`.
    public var trigger: String
    public var samples: [ColdStartSample]
    public var firstRequestMilliseconds: Summary?
    public var restartToAnswerMilliseconds: Summary?
    public var serverLoadMilliseconds: Summary?
    public var serverInferenceMilliseconds: Summary?
    public var serverUpstreamMilliseconds: Summary?
    public var serverGatewayMilliseconds: Summary?

    enum CodingKeys: String, CodingKey {
        case trigger, samples
        case firstRequestMilliseconds = "first_request_ms"
        case restartToAnswerMilliseconds = "restart_to_answer_ms"
        case serverLoadMilliseconds = "server_load_ms"
        case serverInferenceMilliseconds = "server_inference_ms"
        case serverUpstreamMilliseconds = "server_upstream_ms"
        case serverGatewayMilliseconds = "server_gateway_ms"
    }

    init(trigger: ColdStartProbe.Trigger, samples: [ColdStartSample]) {
        switch trigger {
        case .restart: self.trigger = "restart"
        case .idle: self.trigger = "idle"
        }
        self.samples = samples
        firstRequestMilliseconds = Summary(samples.compactMap(\.firstRequestMilliseconds))
        restartToAnswerMilliseconds = Summary(samples.compactMap(\.restartToAnswerMilliseconds))
        serverLoadMilliseconds = Summary(samples.compactMap(\.loadMilliseconds))
        serverInferenceMilliseconds = Summary(samples.compactMap(\.inferenceMilliseconds))
        serverUpstreamMilliseconds = Summary(samples.compactMap(\.upstreamMilliseconds))
        serverGatewayMilliseconds = Summary(samples.compactMap(\.gatewayMilliseconds))
    }

    /// The cold-start part of the human table.
    var tableLines: [String] {
        func row(_ name: String, _ summary: Summary?) -> String? {
            summary.map {
                "  " + name.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(format: " %9.3f %9.3f %9.3f %9.3f", $0.min, $0.median, $0.max, $0.mean)
            }
        }
        let colds = samples.compactMap(\.coldStart).filter { $0 }.count
        var lines = [
            "",
            "  first requests after \(trigger == "restart" ? "a restart" : "an idle wait"): \(samples.count)"
                + (samples.contains { $0.coldStart != nil } ? " (\(colds) reported as cold starts)" : ""),
            "  (ms)                         min    median       max      mean",
        ]
        lines += [
            row("first request", firstRequestMilliseconds), row("restart to answer", restartToAnswerMilliseconds),
            row("server: model load", serverLoadMilliseconds), row("server: inference", serverInferenceMilliseconds),
            row("server: upstream", serverUpstreamMilliseconds), row("server: gateway", serverGatewayMilliseconds),
        ].compactMap { $0 }
        let failed = samples.compactMap(\.failure)
        if !failed.isEmpty { lines.append("  failed: " + failed.joined(separator: ", ")) }
        return lines
    }
}
