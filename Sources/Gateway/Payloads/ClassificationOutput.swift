import Classifiers
import ModelRuntime

// Members are written in sorted order, as `JSONEncoder` with `.sortedKeys` would write them
// (`JSONWriterTests` compares the two); `Encodable` is that reference.

/// `{"label", "score"}`: one class and its probability.
struct LabelScore: JSONWritable, Encodable, Equatable {
    var label: String
    var score: Float

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("label") { $0.string(label) }
            members.member("score") { $0.number(score) }
        }
    }
}

/// One text's result in Magpie's payload.
struct NativeResult: JSONWritable, Encodable {
    var label: String
    var score: Float
    var scores: [LabelScore]

    init(_ prediction: Prediction) {
        label = prediction.label
        score = prediction.score
        scores = zip(prediction.labels.names, prediction.probabilities).map { LabelScore(label: $0, score: $1) }
    }

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("label") { $0.string(label) }
            members.member("score") { $0.number(score) }
            members.member("scores") { scores.write(to: &$0) }
        }
    }
}

/// `{"model", "version", "label", "score", "scores"}` for one text.
struct NativeSingleResponse: JSONWritable, Encodable {
    var model: String
    var version: String
    var label: String
    var score: Float
    var scores: [LabelScore]

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("label") { $0.string(label) }
            members.member("model") { $0.string(model) }
            members.member("score") { $0.number(score) }
            members.member("scores") { scores.write(to: &$0) }
            members.member("version") { $0.string(version) }
        }
    }
}

/// `{"model", "version", "results"}` for a batch.
struct NativeBatchResponse: JSONWritable, Encodable {
    var model: String
    var version: String
    var results: [NativeResult]

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("model") { $0.string(model) }
            members.member("results") { results.write(to: &$0) }
            members.member("version") { $0.string(version) }
        }
    }
}

/// The reference Lambda's answer: `{"category": label}`.
struct InferResponse: JSONWritable, Encodable {
    var category: String

    func write(to writer: inout JSONWriter) {
        writer.object { members in members.member("category") { $0.string(category) } }
    }
}

/// `GET /v1/models`: `{"models": [{"name", "version", "labels", "state"}, ...]}`.
struct ModelList: JSONWritable, Encodable {
    struct Summary: JSONWritable, Encodable {
        var name: String
        var version: String
        var labels: [String]
        var state: String
        /// `{"kind": "local"}`, or the remote server's kind and target.
        var location: [String: String]
        /// A remote model's circuit breaker; nil for a local one.
        var health: Health?
        var fallback: String?

        struct Health: Encodable {
            var breaker: String
            var consecutiveFailures: Int
            var lastError: String?
            var status: String

            init(_ health: RemoteHealth) {
                breaker = health.breaker.rawValue
                consecutiveFailures = health.consecutiveFailures
                lastError = health.lastError
                status = health.status
            }

            func write(to writer: inout JSONWriter) {
                writer.object { members in
                    members.member("breaker") { $0.string(breaker) }
                    members.member("consecutive_failures") { $0.number(Float(consecutiveFailures)) }
                    if let lastError { members.member("last_error") { $0.string(lastError) } }
                    members.member("status") { $0.string(status) }
                }
            }

            enum CodingKeys: String, CodingKey {
                case breaker, status
                case consecutiveFailures = "consecutive_failures"
                case lastError = "last_error"
            }
        }

        func write(to writer: inout JSONWriter) {
            writer.object { members in
                if let fallback { members.member("fallback") { $0.string(fallback) } }
                if let health { members.member("health") { health.write(to: &$0) } }
                members.member("labels") { $0.array(labels) { $0.string($1) } }
                members.member("location") { location.write(to: &$0) }
                members.member("name") { $0.string(name) }
                members.member("state") { $0.string(state) }
                members.member("version") { $0.string(version) }
            }
        }
    }

    var models: [Summary]

    func write(to writer: inout JSONWriter) {
        writer.object { members in members.member("models") { models.write(to: &$0) } }
    }
}
