import Foundation
import Gateway
import GatewayHost
import MagpieTestSupport
import Testing

/// Shutting down as on SIGTERM: requests already begun finish, new ones are answered 503, and
/// the shutdown ends within its bound however long a request would take. The steps wait for
/// what they need rather than for fixed times: this process's other tests share its threads.
@Suite struct GracefulShutdownTests {
    typealias LoadCounter = LifecycleTests.LoadCounter
    /// Slow enough that the shutdown begins while a cold start is under way; bodies may pause
    /// for long in a busy test process.
    static let patient = ConnectionLimits(bodyGapTimeout: .seconds(120), requestTimeout: .seconds(120))

    static func inferHead(key: String, length: Int) -> String {
        "POST /v1/infer/hate-speech HTTP/1.1\r\nHost: magpie\r\nContent-Type: application/json\r\nx-api-key: \(key)\r\n"
            + "Content-Length: \(length)\r\n\r\n"
    }

    /// Waits until the server answers new requests 503 `shutting_down`.
    static func untilDraining(_ server: LiveServer) async throws -> LiveServer.Response {
        while true {
            let ready = try await server.request("GET", "/ready")
            if ready.status == 503 { return ready }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func begunRequestsFinishAndNewOnesGet503() async throws {
        let counter = LoadCounter(delay: .seconds(3))
        let server = try await LiveServer(loader: counter.loader, connectionLimits: Self.patient)
        let key = try await server.key()
        let inFlight = Task { try await server.classify("hello", key: key) }
        // A request whose head arrives before the shutdown and whose body comes after it.
        let body = #"{"text": "have a nice day"}"#
        let halfSent = try RawConnection(port: server.port)
        halfSent.send(Self.inferHead(key: key, length: body.utf8.count) + body.prefix(5))
        while counter.loads.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await server.beginShutdown()

        let notReady = try await Self.untilDraining(server)
        #expect((notReady.json as? [String: Any])?["error_type"] as? String == "shutting_down")
        let refused = try await server.classify("too late", key: key)
        #expect(refused.status == 503 && refused.header("Retry-After") == "1")
        #expect((refused.json as? [String: Any])?["error_type"] as? String == "shutting_down")

        halfSent.send(String(body.dropFirst(5)))
        let (answer, _) = await halfSent.readUntilClosed(timeout: .seconds(60))
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
        let response = try await inFlight.value
        #expect(response.status == 200 && response.header("X-Magpie-Cold-Start") == "true")
        try await server.shutDownGracefully()
        await #expect(throws: (any Error).self) { try await server.request("GET", "/health") }
    }

    /// A request that would take a minute (a model load that ignores cancellation) does not
    /// hold the shutdown: it ends about the bound (0.5 s) plus the allowances (1.5 s) later.
    @Test func shutdownEndsWithinItsBoundWhenARequestOverstaysIt() async throws {
        let counter = LoadCounter(delay: .seconds(60))
        var limits = Self.patient
        limits.shutdownTimeout = .milliseconds(500)
        let server = try await LiveServer(loader: counter.loader, connectionLimits: limits)
        let key = try await server.key()
        let body = #"{"text": "hello"}"#
        let stuck = try RawConnection(port: server.port)
        stuck.send(Self.inferHead(key: key, length: body.utf8.count) + body)
        while counter.loads.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let clock = ContinuousClock()
        let start = clock.now
        try await server.shutDownGracefully()
        let took = start.duration(to: clock.now)
        #expect(took < .seconds(30), "shutdown took \(took), as long as the request")
    }
}
