import Classifiers
import JSONValues
import ModelRuntime

// Each payload writes its members in sorted order, the order clients and the tests' golden
// answers see.

/// `{"label", "score"}`: one class and its probability.
package struct LabelScore: JSONWritable, Equatable {
    package var label: String
    package var score: Float

    package init(label: String, score: Float) {
        self.label = label
        self.score = score
    }

    package func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("label") { $0.string(label) }
            members.member("score") { $0.number(score) }
        }
    }
}

/// One text's result in Magpie's payload.
package struct NativeResult: JSONWritable {
    package var label: String
    package var score: Float
    package var scores: [LabelScore]

    package init(label: String, score: Float, scores: [LabelScore]) {
        self.label = label
        self.score = score
        self.scores = scores
    }

    package init(_ prediction: Prediction) {
        label = prediction.label
        score = prediction.score
        scores = zip(prediction.labels.names, prediction.probabilities).map { LabelScore(label: $0, score: $1) }
    }

    package func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("label") { $0.string(label) }
            members.member("score") { $0.number(score) }
            members.member("scores") { scores.write(to: &$0) }
        }
    }
}

/// `{"model", "version", "label", "score", "scores"}` for one text.
package struct NativeSingleResponse: JSONWritable {
    package var model: String
    package var version: String
    package var label: String
    package var score: Float
    package var scores: [LabelScore]

    package init(model: String, version: String, label: String, score: Float, scores: [LabelScore]) {
        self.model = model
        self.version = version
        self.label = label
        self.score = score
        self.scores = scores
    }

    package func write(to writer: inout JSONWriter) {
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
package struct NativeBatchResponse: JSONWritable {
    package var model: String
    package var version: String
    package var results: [NativeResult]

    package init(model: String, version: String, results: [NativeResult]) {
        self.model = model
        self.version = version
        self.results = results
    }

    package func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("model") { $0.string(model) }
            members.member("results") { results.write(to: &$0) }
            members.member("version") { $0.string(version) }
        }
    }
}

/// The reference Lambda's answer: `{"category": label}`.
package struct InferResponse: JSONWritable {
    package var category: String

    package init(category: String) {
        self.category = category
    }

    package func write(to writer: inout JSONWriter) {
        writer.object { members in members.member("category") { $0.string(category) } }
    }
}

/// `GET /v1/models`: `{"models": [{"name", "version", "labels", "state"}, ...]}`.
package struct ModelList: JSONWritable {
    package struct Summary: JSONWritable {
        var name: String
        var version: String
        var labels: [String]
        var state: String
        /// `{"kind": "local"}`, or the remote server's kind and target.
        var location: [String: String]
        /// A remote model's circuit breaker; nil for a local one.
        var health: Health?
        var fallback: String?
        /// A versioned model's versions, canary and recent decisions.
        var release: ReleaseSummary?

        package init(
            name: String, version: String, labels: [String], state: String, location: [String: String], health: Health?,
            fallback: String?, release: ReleaseSummary? = nil
        ) {
            self.name = name
            self.version = version
            self.labels = labels
            self.state = state
            self.location = location
            self.health = health
            self.fallback = fallback
            self.release = release
        }

        package struct Health: JSONWritable {
            var breaker: String
            var consecutiveFailures: Int
            var lastError: String?
            var status: String

            package init(breaker: String, consecutiveFailures: Int, lastError: String?, status: String) {
                self.breaker = breaker
                self.consecutiveFailures = consecutiveFailures
                self.lastError = lastError
                self.status = status
            }

            package init(_ health: RemoteHealth) {
                breaker = health.breaker.rawValue
                consecutiveFailures = health.consecutiveFailures
                lastError = health.lastError
                status = health.status
            }

            package func write(to writer: inout JSONWriter) {
                writer.object { members in
                    members.member("breaker") { $0.string(breaker) }
                    members.member("consecutive_failures") { $0.number(consecutiveFailures) }
                    if let lastError { members.member("last_error") { $0.string(lastError) } }
                    members.member("status") { $0.string(status) }
                }
            }
        }

        package func write(to writer: inout JSONWriter) {
            writer.object { writeMembers(to: &$0) }
        }

        /// The members alone, in sorted order, for a view that adds its own before `fallback`
        /// (the console's Models page).
        package func writeMembers(to members: inout JSONWriter.ObjectWriter) {
            if let fallback { members.member("fallback") { $0.string(fallback) } }
            if let health { members.member("health") { health.write(to: &$0) } }
            members.member("labels") { $0.array(labels) { $0.string($1) } }
            members.member("location") { location.write(to: &$0) }
            members.member("name") { $0.string(name) }
            if let release { members.member("release") { release.write(to: &$0) } }
            members.member("state") { $0.string(state) }
            members.member("version") { $0.string(version) }
        }
    }

    package var models: [Summary]

    package init(models: [Summary]) {
        self.models = models
    }

    package func write(to writer: inout JSONWriter) {
        writer.object { members in members.member("models") { models.write(to: &$0) } }
    }
}

/// `POST /v1/models/{model}/feedback`'s answer: what was predicted, by which version, and
/// whether it was right.
package struct FeedbackResponse: JSONWritable {
    var requestID: String
    var model: String
    var version: String
    var predicted: String
    var label: String
    var correct: Bool

    package init(requestID: String, model: String, version: String, predicted: String, label: String, correct: Bool) {
        self.requestID = requestID
        self.model = model
        self.version = version
        self.predicted = predicted
        self.label = label
        self.correct = correct
    }

    package func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("correct") { $0.bool(correct) }
            members.member("label") { $0.string(label) }
            members.member("model") { $0.string(model) }
            members.member("predicted") { $0.string(predicted) }
            members.member("request_id") { $0.string(requestID) }
            members.member("version") { $0.string(version) }
        }
    }
}
