import Foundation
import MagpieTestSupport
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// SIGTERM while clients keep sending: the server exits 0 within its shutdown bound, each
/// request is answered 200, answered 503 `shutting_down`, or never reaches the server, and
/// the quota counted exactly the 200s: nothing answered is lost, nothing refused is counted.
@Suite(.serialized) struct ShutdownUnderLoadTests {
    typealias Server = ServeProcessTests.Server

    /// What one client saw until the server went away.
    struct Tally: Sendable {
        var answered = 0
        var shuttingDown = 0
        var unexpected: [String] = []
        var transportErrors = 0
    }

    /// 200s so far, across the clients' tasks.
    final class AnsweredCount: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test func sigtermUnderLoadFinishesBegunRequestsAndExitsZero() async throws {
        let (_, database, key, server) = try await ServeProcessTests.keyedServer(
            quota: "1000000/day", rate: 100_000, burst: 100_000)
        let port = server.port
        let answeredSoFar = AnsweredCount()

        let clients = (0..<8).map { client in
            Task { () -> Tally in
                var tally = Tally()
                var index = 0
                while tally.transportErrors == 0 {
                    index += 1
                    do {
                        let (status, body) = try await Server.post(
                            port: port, "/v1/infer/hate-speech", ["text": "client \(client) text \(index)"], key: key,
                            timeout: 15)
                        if status == 200 {
                            tally.answered += 1
                            answeredSoFar.value.add(1, ordering: .relaxed)
                        } else if status == 503 && body.contains(#""error_type":"shutting_down""#) {
                            tally.shuttingDown += 1
                        } else {
                            tally.unexpected.append("\(status) \(body)")
                        }
                    } catch {
                        tally.transportErrors += 1
                    }
                    // Steady, not flat out: the tests running beside this one need the cores too.
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return tally
            }
        }
        // Under load first, however slowly a busy test process gets its clients going.
        let clock = ContinuousClock()
        let loading = clock.now
        while answeredSoFar.value.load(ordering: .relaxed) < 40 && loading.duration(to: clock.now) < .seconds(120) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let signalled = clock.now
        server.process.terminate()
        let ended = await server.process.exit()
        let shutdown = signalled.duration(to: server.process.endedAt ?? clock.now)
        var total = Tally()
        for client in clients {
            let tally = await client.value
            total.answered += tally.answered
            total.shuttingDown += tally.shuttingDown
            total.unexpected += tally.unexpected
        }

        #expect(ended == .exited(0), "\(server.loggedText)")
        #expect(shutdown < .seconds(10), "shutdown took \(shutdown)")
        #expect(total.unexpected.isEmpty, "\(total.unexpected.prefix(5))")
        #expect(total.answered >= 40)
        let listed = try await MagpieProcess.run(["keys", "list", "--database", database])
        #expect(listed.standardOutput.contains(" \(total.answered)/1000000/day "), "\(total) vs \(listed.standardOutput)")
        #expect(server.loggedText.contains(#""message":"shutting down""#))
    }

    /// A request that would outlast the configured bound (a body that stops halfway) does not
    /// hold the process: it exits 0 about `timeouts.shutdown` after SIGTERM.
    @Test func theShutdownBoundFromTheConfigurationEndsAStalledRequest() async throws {
        let workspace = try Workspace()
        try await ServeProcessTests.trainModel(named: "hate-speech", in: workspace, at: "models/hate-speech")
        let config = try workspace.write("config.yaml", "server:\n  timeouts: {shutdown: 1, request: 60, body_gap: 60}\n")
        let server = try Server(arguments: [
            "--config", config, "--models", workspace.path("models"), "--database", workspace.path("magpie.sqlite"),
            "--port", "0",
        ])
        let stalled = try RawConnection(port: server.port)
        stalled.send(
            "POST /v1/infer/hate-speech HTTP/1.1\r\nHost: magpie\r\nContent-Type: application/json\r\n"
                + "Content-Length: 40\r\n\r\n{\"text\": ")
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let signalled = clock.now
        server.process.terminate()
        let ended = await server.process.exit()
        let shutdown = signalled.duration(to: server.process.endedAt ?? clock.now)
        #expect(ended == .exited(0), "\(server.loggedText)")
        // 1 s of drain, 1 s for closing, then cancelled: well under the default bound of 10 s.
        #expect(
            shutdown > .milliseconds(900) && shutdown < .seconds(8), "shutdown took \(shutdown)\n\(server.loggedText)")
        #expect(server.loggedText.contains(#""in_flight":"1""#), "\(server.loggedText)")
    }
}
