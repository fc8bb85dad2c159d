import Clocks
import Foundation
import Gateway
import MagpieTestSupport
import ModelRuntime
import Synchronization
import Testing

/// Cold starts, warm requests and overload, as clients see them in headers and statuses.
@Suite struct LifecycleTests {
    final class LoadCounter: Sendable {
        let loads = Atomic<Int>(0)
        let delay: Duration
        init(delay: Duration) { self.delay = delay }

        var loader: ModelRegistry.Loader {
            { deployment in
                self.loads.add(1, ordering: .relaxed)
                try await Task.sleep(for: self.delay)
                return try ArtifactModel.load(from: deployment.path)
            }
        }
    }

    @Test func concurrentColdStartsLoadOnceAndSayColdStart() async throws {
        let counter = LoadCounter(delay: .seconds(1))
        let server = try await LiveServer(loader: counter.loader)
        let key = try await server.key()
        let responses = try await withThrowingTaskGroup(of: LiveServer.Response.self) { group in
            for _ in 0..<16 { group.addTask { try await server.classify("hello", key: key) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.allSatisfy { $0.status == 200 })
        // Requests that arrived during the load waited for it; a slow client may arrive after.
        let cold = responses.filter { $0.header("X-Magpie-Cold-Start") == "true" }
        #expect(cold.count >= 2)
        #expect(cold.allSatisfy { $0.header("Server-Timing")?.contains("load;dur=") == true })
        #expect(counter.loads.load(ordering: .relaxed) == 1)
        let warm = try await server.classify("hello", key: key)
        #expect(warm.header("X-Magpie-Cold-Start") == "false")
        #expect(warm.header("Server-Timing")?.hasPrefix("inference;dur=") == true)
        let metrics = String(decoding: try await server.request("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"magpie_model_cold_starts_total{model="hate-speech"} 1"#))
        #expect(metrics.contains(#"magpie_requests_total{route="classify",status="200"} 17"#))
    }

    @Test func beyondConcurrencyAndQueueTheGatewaySays503() async throws {
        let counter = LoadCounter(delay: .milliseconds(500))
        let deployment = ModelDeployment(name: "hate-speech", path: ModelFixture.artifact, maxConcurrency: 1, maxQueue: 1)
        let server = try await LiveServer(deployment: deployment, loader: counter.loader)
        let key = try await server.key()
        let responses = try await withThrowingTaskGroup(of: LiveServer.Response.self) { group in
            for _ in 0..<4 { group.addTask { try await server.classify("hello", key: key) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.filter { $0.status == 200 }.count == 2)
        let busy = responses.filter { $0.status == 503 }
        #expect(busy.count == 2 && busy.allSatisfy { $0.header("Retry-After") == "1" })
        #expect(busy.first?.message == "model 'hate-speech' is busy; retry later")
    }

    @Test func aModelThatFailsToLoadIs503AndTheServerKeepsServing() async throws {
        let deployment = ModelDeployment(name: "hate-speech", path: "/nonexistent/artifact")
        let server = try await LiveServer(deployment: deployment)
        let key = try await server.key()
        let response = try await server.classify("hello", key: key)
        #expect(response.status == 503 && response.message?.contains("failed to load") == true)
        #expect(try await server.request("GET", "/health").status == 200)
    }

    @Test func anIdleModelIsUnloadedAndReloadedOnTheNextRequest() async throws {
        let counter = LoadCounter(delay: .zero)
        let deployment = ModelDeployment(name: "hate-speech", path: ModelFixture.artifact, idleTimeout: .seconds(60))
        let clock = TestClock()
        let server = try await LiveServer(deployment: deployment, loader: counter.loader, clock: AnyClock(clock))
        let key = try await server.key()
        #expect(try await server.classify("hello", key: key).header("X-Magpie-Cold-Start") == "true")
        #expect(try await server.classify("hello", key: key).header("X-Magpie-Cold-Start") == "false")
        await clock.advance(by: .seconds(59))
        #expect(server.gateway.registry.unloadIdle().isEmpty)
        await clock.advance(by: .seconds(1))
        #expect(server.gateway.registry.unloadIdle() == ["hate-speech"])
        let listed = try await server.request("GET", "/v1/models", key: key)
        #expect(((listed.json as? [String: Any])?["models"] as? [[String: Any]])?.first?["state"] as? String == "cold")
        #expect(try await server.classify("hello", key: key).header("X-Magpie-Cold-Start") == "true")
        #expect(counter.loads.load(ordering: .relaxed) == 2)
    }
}
