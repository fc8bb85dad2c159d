import Encoders
import Foundation
import Gateway
import MagpieTestSupport
import ModelRuntime
import Testing

/// An encoder-head artifact served like any model: loaded on the first request, answering
/// what the encoder and head compute in-process.
@Suite struct EncoderHeadServingTests {
    @Test func servesAHeadOverMiniLMAsTheModelComputesIt() async throws {
        let path = try EncoderHeadFixture.artifact()
        let server = try await LiveServer(deployment: ModelDeployment(name: "minilm-head", path: path))
        let key = try await server.key()
        let texts = ["you are a stupid bitch", "what a lovely morning in the park", "those people are trash"]
        let body = try JSONSerialization.data(withJSONObject: ["texts": texts])
        let response = try await server.request(
            "POST", "/v1/models/minilm-head/classify", key: key, json: String(decoding: body, as: UTF8.self))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(response.header("X-Magpie-Cold-Start") == "true")
        #expect(response.header("Server-Timing")?.hasPrefix("load;dur=") == true)

        let direct = try ArtifactModel.load(from: path)
        #expect(direct.profile.kind == .encoderHead && direct.profile.runsEncoder)
        let expected = try direct.predictions(for: texts)
        let results = try #require((response.json as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.count == texts.count)
        for (result, prediction) in zip(results, expected) {
            #expect(result["label"] as? String == prediction.prediction.label)
            let scores = try #require(result["scores"] as? [[String: Any]])
            #expect(scores.map { $0["label"] as? String } == prediction.prediction.labels.names)
            for (score, probability) in zip(scores, prediction.prediction.probabilities) {
                #expect(abs((score["score"] as? Double ?? -1) - Double(probability)) < 1e-6)
            }
        }
        let warm = try await server.request(
            "POST", "/v1/models/minilm-head/classify", key: key, json: #"{"text": "have a nice day"}"#)
        #expect(warm.status == 200 && warm.header("X-Magpie-Cold-Start") == "false")
    }
}
