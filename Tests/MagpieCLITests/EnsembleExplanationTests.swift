import Classifiers
import Foundation
import MagpieTestSupport
import Testing

/// An ensemble explains as its members do, weighted: `predict --explain` and a real
/// `magpie serve` give the members' explanations (integrated gradients for the fine-tuned
/// encoder, exact shares for the n-gram model) and the combined one, whose tokens and bias
/// add up to the weighted logits.
@Suite(.serialized) struct EnsembleExplanationTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func sum(_ tokens: Any?) throws -> Double {
        try #require(tokens as? [[String: Any]]).reduce(0) { $0 + ($1["score"] as? Double ?? .nan) }
    }

    @Test func anEnsembleExplainsByItsMembersWeighted() async throws {
        let workspace = try Workspace()
        let model = workspace.path("models/tweets")
        let trained = try await EnsembleModelTests.train(workspace, output: model)
        try #require(trained.status == 0, "\(trained.standardError)")
        let text = "you are trash, go away"

        let predicted = try await MagpieProcess.run(["predict", "--model", model, "--explain", text])
        try #require(predicted.status == 0, "\(predicted.standardError)")
        let explanation = try #require(try Self.json(predicted.standardOutput)["explanation"] as? [String: Any])
        #expect(explanation["method"] as? String == "weighted_members")
        let members = try #require(explanation["members"] as? [[String: Any]])
        #expect(members.compactMap { $0["name"] as? String } == ["encoder", "ngram"])
        let encoder = try #require(members.first)
        #expect(encoder["method"] as? String == "integrated_gradients" && encoder["steps"] as? Int == 20)
        let words = try #require(encoder["tokens"] as? [[String: Any]]).compactMap { $0["token"] as? String }
        #expect(words == ["you", "are", "trash", ",", "go", "away"])
        let encoderLogit = try #require(encoder["logit"] as? Double)
        let encoderBias = try #require(encoder["bias"] as? Double)
        let encoderError = try #require(encoder["completeness_error"] as? Double)
        #expect(abs(try Self.sum(encoder["tokens"]) + encoderBias - encoderLogit) <= encoderError + 1e-9)
        #expect(encoderError < 0.05 * max(abs(encoderLogit - encoderBias), 0.01), "\(encoder)")

        var weightedLogit = 0.0
        for member in members {
            let weight = try #require(member["weight"] as? Double)
            weightedLogit += weight * (try #require(member["logit"] as? Double))
        }
        let logit = try #require(explanation["logit"] as? Double)
        #expect(abs(logit - weightedLogit) < 1e-9)
        let weight = try #require(members.first?["weight"] as? Double)
        let combined = try Self.sum(explanation["tokens"]) + (explanation["bias"] as? Double ?? .nan)
        #expect(abs(combined - logit) <= weight * encoderError + 1e-6, "\(combined) vs \(logit)")

        // The server answers the same explanation for the same text.
        let database = workspace.path("magpie.sqlite")
        let key = try await ServeProcessTests.createKey(in: database, quota: "1000/day", rate: 100, burst: 100)
        let server = try ServeProcessTests.Server(models: workspace.path("models"), database: database)
        defer { server.process.terminate() }
        let answer = try await server.post("/v1/models/tweets/explain", ["text": text], key: key)
        #expect(answer.status == 200, "\(answer.body)")
        let served = try Self.json(answer.body)
        #expect(served["method"] as? String == "weighted_members")
        #expect(abs((served["logit"] as? Double ?? .nan) - logit) < 1e-5)
        #expect((served["members"] as? [[String: Any]])?.count == 2)
        #expect(await server.terminate() == .exited(0))
    }
}
