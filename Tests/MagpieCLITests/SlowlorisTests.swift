import Foundation
import MagpieTestSupport
import Testing

/// Slowloris at scale against a `magpie serve` process of its own: 2,000 connections that send
/// half a request head and then nothing. A normal client is served all along, every attacker
/// is answered 408 and closed after the head timeout, and the server serves as before after.
@Suite(.serialized) struct SlowlorisTests {
    @Test func thousandsOfHalfSentHeadsAreCutOffWhileAClientIsServed() async throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(
            at: workspace.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ModelFixture.artifact, toPath: workspace.path("models/hate-speech"))
        let config = try workspace.write("magpie.yaml", "server:\n  timeouts: {head: 2}\n")
        let database = workspace.path("magpie.sqlite")
        let key = try await ServeProcessTests.createKey(in: database, quota: "100000/day", rate: 1000, burst: 1000)
        let server = try ServeProcessTests.Server(arguments: [
            "--config", config, "--models", workspace.path("models"), "--database", database, "--port", "0",
        ])
        defer { server.process.terminate() }
        let attackers = try (0..<2_000).map { _ in
            let attacker = try RawConnection(port: server.port)
            attacker.send("POST /v1/infer/hate-speech HTTP/1.1\r\nHost: magpie\r\nContent-Type: application/json\r\n")
            return attacker
        }
        for index in 0..<20 {
            #expect(try await server.classify("meanwhile \(index)", key: key).status == 200)
        }
        var outcomes: [String: Int] = [:]
        for attacker in attackers {
            let (text, closed) = await attacker.readUntilClosed(timeout: .seconds(20))
            outcomes["\(closed ? "closed" : "open") \(text.prefix(28))", default: 0] += 1
        }
        #expect(outcomes == ["closed HTTP/1.1 408 Request Timeout": 2_000])
        for index in 0..<5 {
            #expect(try await server.classify("after \(index)", key: key).status == 200)
        }
    }
}
