import AWSClient
import Clocks
import CoreMetrics
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import Logging
import MagpieTestSupport
import ModelRuntime
import NIOCore
import RemoteModels
import Synchronization
import Testing

/// The payload formats other than Hugging Face's: KServe's v2 and another Magpie.
extension RemoteModelTests {
    @Test func kserveV2Format() async throws {
        let upstream = await ScriptedUpstream(
            normal:
                #"{"model_name": "m", "outputs": [{"name": "label", "shape": [2], "datatype": "BYTES", "data": ["neg", "pos"]}, {"name": "score", "shape": [2], "datatype": "FP32", "data": [0.6, 0.95]}]}"#
        )
        let server = try await Self.server(Self.endpoint(upstream.url, format: .kserveV2))
        let key = try await server.key()
        let response = try await server.request(
            "POST", "/v1/models/sentiment/classify", key: key, json: #"{"texts": ["bad", "good"]}"#)
        #expect(response.status == 200)
        let results = try #require((response.json as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.map { $0["label"] as? String } == ["neg", "pos"])
        let sent = try #require(
            try JSONSerialization.jsonObject(with: Data(upstream.lastBody.utf8)) as? [String: Any])
        let input = try #require((sent["inputs"] as? [[String: Any]])?.first)
        #expect(input["datatype"] as? String == "BYTES")
        #expect(input["data"] as? [String] == ["bad", "good"])
        #expect(input["shape"] as? [Int] == [2])
    }

    /// Another Magpie as the upstream: a real gateway with a key from the environment.
    @Test func magpieFormatAgainstAnotherMagpie() async throws {
        let other = try await LiveServer()
        let otherKey = try await other.key()
        let endpoint = RemoteEndpoint(
            target: .http(url: "http://127.0.0.1:\(other.port)/v1/models/hate-speech/classify", format: .magpie),
            headersFromEnvironment: ["x-api-key": "OTHER_MAGPIE_KEY"])
        let server = try await Self.server(endpoint, environment: ["OTHER_MAGPIE_KEY": otherKey])
        let key = try await server.key()
        let direct = try await other.request(
            "POST", "/v1/models/hate-speech/classify", key: otherKey, json: #"{"texts": ["you are lovely", "I hate you"]}"#)
        let proxied = try await server.request(
            "POST", "/v1/models/sentiment/classify", key: key, json: #"{"texts": ["you are lovely", "I hate you"]}"#)
        #expect(proxied.status == 200)
        let directResults = try #require((direct.json as? [String: Any])?["results"] as? [[String: Any]])
        let proxiedResults = try #require((proxied.json as? [String: Any])?["results"] as? [[String: Any]])
        #expect(proxiedResults.map { $0["label"] as? String } == directResults.map { $0["label"] as? String })
        #expect(proxiedResults.map { $0["score"] as? Double } == directResults.map { $0["score"] as? Double })

        #expect(throws: RemoteModelError.self) {
            try RemoteModel(name: "x", endpoint: endpoint, environment: [:], metrics: NOOPMetricsHandler.instance)
        }
    }
}
