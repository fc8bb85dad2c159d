import Foundation
import Gateway
import HTTPTypes
import Logging
import MagpieTestSupport
import ModelRuntime
import ServerAssembly
import Storage
import Testing

/// The serving stack `serve` and `lambda` build from a configuration, assembled here and
/// asked through the gateway's own entry point.
@Suite struct GatewayAssemblyTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func aConfiguredModelIsServedWithItsRemoteNeighbourListed() async throws {
        let configuration = try ServeConfigurationTests.configuration(
            """
            models:
              hate-speech: {path: \(ModelFixture.artifact)}
              ranker:
                http: {url: "http://127.0.0.1:9/predict", format: huggingface}
                fallback: hate-speech
            """)
        let models = try ServedModels.resolve(configuration)
        #expect(models.map(\.deployment.key) == [ModelKey("hate-speech", version: 1), ModelKey("ranker")])
        let assembly = try GatewayAssembly(
            configuration: configuration, models: models, store: nil, environment: [:], logger: Self.logger)
        try await assembly.releases.prepare()
        let request = GatewayRequest(
            method: .post, path: "/v1/models/hate-speech/classify", headers: [.contentType: "application/json"],
            body: Array(#"{"text": "what a lovely morning"}"#.utf8))
        let answer = await assembly.gateway.handle(request)
        #expect(answer.status == .ok, "\(String(decoding: answer.body, as: UTF8.self))")
        #expect(answer.headers[HTTPField.Name("X-Magpie-Model-Version")!] == "1")
        let listing = await assembly.gateway.handle(GatewayRequest(method: .get, path: "/v1/models"))
        let listed = try JSONSerialization.jsonObject(with: Data(listing.body)) as? [String: Any]
        let names = (listed?["models"] as? [[String: Any]])?.map { $0["name"] as? String }
        #expect(names == ["hate-speech", "ranker"])
    }

    @Test func aFolderWithoutArtifactsIsRefusedNamingIt() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let configuration = try ServeConfigurationTests.configuration("models:\n  nothing: {path: \(empty)}\n")
        let error = try #require(throws: AssemblyError.self) { try ServedModels.resolve(configuration) }
        #expect(error.description.contains("models.nothing.path: \(empty) holds no model artifact"), "\(error)")
    }
}
