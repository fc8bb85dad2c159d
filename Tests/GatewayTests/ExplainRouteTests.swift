import Classifiers
import Foundation
import Gateway
import JSONValues
import MagpieTestSupport
import ModelRuntime
import Testing

/// `POST /v1/models/{model}/explain` on a live server: the n-gram model's exact explanation,
/// counted against the key's quota; a label it does not predict, and a model that cannot
/// explain, refused with their own `error_type`.
@Suite struct ExplainRouteTests {
    /// A model of a kind that cannot explain (the seam answers nil), served as a remote one.
    struct Unexplainable: ServableModel {
        var profile: ModelProfile { ModelProfile(kind: .encoderHead, version: "1", labels: ["a", "b"]) }
        func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
            ModelAnswer(predictions: [])
        }
        func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation? { nil }
    }

    @Test func explainsTheLabelOfOneTextExactlyAndCountsItAgainstTheQuota() async throws {
        let server = try await LiveServer()
        let key = try await server.key(quota: "2/month")
        let text = "You are a FAGGOT &amp; a bitch"
        let explained = try await server.request(
            "POST", "/v1/models/hate-speech/explain", key: key,
            json: #"{"text": \#(LiveServer.quoted(text)), "label": "Hate Speech"}"#)
        #expect(explained.status == 200, "\(String(decoding: explained.body, as: UTF8.self))")
        let body = try #require(try JSONSerialization.jsonObject(with: explained.body) as? [String: Any])
        #expect(body["model"] as? String == "hate-speech" && body["label"] as? String == "Hate Speech")
        #expect(explained.header("X-Magpie-Model-Version") == body["version"] as? String)
        let tokens = try #require(body["tokens"] as? [[String: Any]])
        let total = (body["bias"] as! Double) + tokens.reduce(0) { $0 + ($1["score"] as! Double) }
        #expect(abs(total - (body["logit"] as! Double)) < 1e-9)

        let classifier = try #require(try ModelArtifact.load(from: ModelFixture.artifact).textClassifier)
        let local = classifier.explain(text, labelIndex: 0)
        #expect(tokens.map { $0["token"] as? String } == local.tokens.map(\.text))
        for (token, expected) in zip(tokens, local.tokens) { #expect(abs(token["score"] as! Double - expected.score) < 1e-12) }
        #expect(tokens.map { $0["start"] as? Int } == local.tokens.map { $0.source?.lowerBound })
        let slur = try #require(tokens.first { $0["token"] as? String == "faggot" })
        #expect(text.unicodeScalars.count > (slur["end"] as! Int) && (slur["score"] as! Double) > 0)

        let predicted = try await server.request(
            "POST", "/v1/models/hate-speech/explain", key: key, json: #"{"text": "have a lovely day"}"#)
        #expect((try JSONSerialization.jsonObject(with: predicted.body) as? [String: Any])?["label"] as? String == "Neither")
        let third = try await server.classify("have a lovely day", key: key)
        #expect(third.status == 429)
    }

    @Test func refusesAnUnknownLabelAndAModelThatCannotExplain() async throws {
        let server = try await LiveServer(remotes: [
            (ModelDeployment(name: "opaque", path: "unused"), Unexplainable())
        ])
        let key = try await server.key()
        let unknownLabel = try await server.request(
            "POST", "/v1/models/hate-speech/explain", key: key, json: #"{"text": "hello", "label": "Spam"}"#)
        #expect(unknownLabel.status == 404)
        #expect((unknownLabel.json as? [String: Any])?["error_type"] as? String == "unknown_label")
        let opaque = try await server.request(
            "POST", "/v1/models/opaque/explain", key: key, json: #"{"text": "hello"}"#)
        #expect(opaque.status == 422)
        let error = try #require(opaque.json as? [String: Any])
        #expect(error["error_type"] as? String == "explanation_unavailable")
        #expect((error["message"] as? String)?.contains("encoder_head") == true)
        let missing = try await server.request("POST", "/v1/models/hate-speech/explain", key: key, json: #"{"texts": ["a"]}"#)
        #expect(missing.status == 422)
    }

    /// The console's Try explains its texts until its time budget is spent, and says so for
    /// the rest instead of keeping the page waiting.
    @Test func aTrialExplainsItsTextsWithinItsTimeBudget() async throws {
        let server = try await LiveServer()
        let payload: [String: JSONValue] = ["texts": .array([.string("you are lovely"), .string("you are trash")])]
        let generous = try await server.gateway.trial(model: "hate-speech", payload: payload, version: nil)
        let explained = generous.explanations.compactMap { explanation -> Explanation? in
            if case .explained(let explanation) = explanation { return explanation }
            return nil
        }
        #expect(explained.map { $0.tokens.map(\.text) } == [["you", "are", "lovely"], ["you", "are", "trash"]])
        let spent = try await server.gateway.trial(
            model: "hate-speech", payload: payload, version: nil, explanationBudget: .zero)
        #expect(
            spent.explanations.allSatisfy { explanation in
                if case .outOfTime = explanation { return true }
                return false
            })
        #expect(spent.results.count == 2)
    }
}
