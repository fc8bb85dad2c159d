import Classifiers
import Foundation
import Gateway
import JSONValues

extension Console {
    /// `POST /console/api/try {"model", "text" | "texts", "version"?}`: classifies as the API
    /// would, with the same checks and errors, and says what it cost. The texts are neither
    /// logged nor kept.
    func classify(_ request: GatewayRequest) async throws -> GatewayResponse {
        var fields = try object(request)
        guard case .string(let model)? = fields.removeValue(forKey: "model"), !model.isEmpty else {
            throw ConsoleError.invalidRequest("model must name a served model")
        }
        var version: String?
        switch fields.removeValue(forKey: "version") {
        case nil, .null?: break
        case .string(let pinned)? where !pinned.isEmpty: version = pinned
        case let other?: throw ConsoleError.invalidRequest("version must be a version number as a string, not \(other.typeName)")
        }
        do {
            return ConsoleJSON.response(TrialView(try await gateway.trial(model: model, payload: fields, version: version)))
        } catch let error as GatewayError {
            throw ConsoleError.gateway(error)
        }
    }
}

/// A trial's answer for the Try page: each text's label and scores, and what it cost.
struct TrialView: JSONWritable {
    var model: String
    var version: String
    var coldStart: Bool
    var durationMs: Double
    var loadMs: Double?
    var inferenceMs: Double?
    var upstreamMs: Double?
    var results: [NativeResult]
    var explanations: [Gateway.TrialExplanation]

    init(_ trial: Gateway.Trial) {
        model = trial.model
        version = trial.version
        coldStart = trial.coldStart
        durationMs = Self.milliseconds(trial.duration)
        loadMs = trial.load.map(Self.milliseconds)
        inferenceMs = trial.inference.map(Self.milliseconds)
        upstreamMs = trial.upstream.map(Self.milliseconds)
        results = trial.results
        explanations = trial.explanations
    }

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("cold_start") { $0.bool(coldStart) }
            members.member("duration_ms") { $0.number(durationMs) }
            members.member("explanations") { writer in
                writer.array(explanations) { writer, explanation in
                    switch explanation {
                    case .explained(let explanation): Self.write(explanation, to: &writer)
                    case .unavailable: writer.null()
                    case .outOfTime: writer.object { $0.member("skipped") { $0.string("time") } }
                    }
                }
            }
            if let inferenceMs { members.member("inference_ms") { $0.number(inferenceMs) } }
            if let loadMs { members.member("load_ms") { $0.number(loadMs) } }
            members.member("model") { $0.string(model) }
            members.member("results") { results.write(to: &$0) }
            if let upstreamMs { members.member("upstream_ms") { $0.number(upstreamMs) } }
            members.member("version") { $0.string(version) }
        }
    }

    /// The tokens that lie in the text, with their shares of the label's logit: what the Try
    /// page highlights.
    static func write(_ explanation: Explanation, to writer: inout JSONWriter) {
        writer.object { members in
            members.member("logit") { $0.number(explanation.logit) }
            members.member("tokens") {
                $0.array(explanation.tokens.filter { $0.source != nil }) { writer, token in
                    writer.object { members in
                        members.member("start") { $0.number(token.source!.lowerBound) }
                        members.member("end") { $0.number(token.source!.upperBound) }
                        members.member("score") { $0.number(token.score) }
                    }
                }
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) * 1000 + Double(attoseconds) / 1e15) * 1000).rounded() / 1000
    }
}
