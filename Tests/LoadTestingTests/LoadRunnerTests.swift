import Foundation
import LoadTesting
import NIOHTTP1
import Testing

/// `magpie bench`'s engine against a real local server with controlled answers and delays.
@Suite struct LoadRunnerTests {
    static func plan(
        _ url: String, method: HTTPMethod = .GET, bodies: RequestBodies? = nil,
        pacing: BenchPlan.Pacing = .closedLoop(connections: 4),
        stop: BenchPlan.Stop, timeout: Duration = .seconds(5)
    ) throws -> BenchPlan {
        try BenchPlan(
            target: BenchTarget(parsing: url), method: method, headers: HTTPHeaders(), bodies: bodies, pacing: pacing,
            stop: stop, warmup: .zero, timeout: timeout)
    }

    @Test func countsEveryAnswerByStatus() async throws {
        let endpoint = await TestEndpoint { index in (index % 3 == 2 ? .internalServerError : .ok, .zero) }
        let report = try await LoadRunner(plan: Self.plan(endpoint.url, stop: .requests(300))).run()
        #expect(report.requests == 300)
        #expect(report.statuses == ["200": 200, "500": 100])
        #expect(report.succeeded == 200)
        #expect(report.failures.isEmpty)
        #expect(report.perSecond.map(\.requests).reduce(0, +) == 300)
        #expect(report.perSecond.map(\.errors).reduce(0, +) == 100)
        #expect(endpoint.served.value.load(ordering: .relaxed) == 300)
    }

    @Test func percentilesFollowTheServersDelays() async throws {
        // One answer in twenty after 250 ms, the rest after 20 ms, on one connection: the
        // median and p90 are fast answers, p99 and the maximum slow ones. Delays on a busy
        // test machine only add, so the bounds below are loose above and exact below.
        let endpoint = await TestEndpoint { index in (.ok, .milliseconds(index % 20 == 19 ? 250 : 20)) }
        let report = try await LoadRunner(plan: Self.plan(endpoint.url, pacing: .closedLoop(connections: 1), stop: .requests(80)))
            .run()
        let latency = report.latencyMilliseconds
        #expect(latency.min >= 20)
        #expect(latency.p50 < 150, "p50 \(latency.p50)")
        #expect(latency.p90 < 150, "p90 \(latency.p90)")
        #expect(latency.p99 >= 250, "p99 \(latency.p99)")
        #expect(latency.max >= 250)
        // Mean: 19 parts of 20 ms and one of 250 ms, 31.5 ms, plus overhead.
        #expect(latency.mean >= 31.5, "mean \(latency.mean)")
        #expect(report.histogram.map(\.count).reduce(0, +) == 80)
    }

    @Test func openLoopSendsAtTheRateAskedFor() async throws {
        let endpoint = await TestEndpoint { _ in (.ok, .zero) }
        let report = try await LoadRunner(
            plan: Self.plan(endpoint.url, pacing: .openLoop(rate: 200, connections: 8), stop: .after(.seconds(2)))
        ).run()
        // 2 s at 200/s is 400 requests due, whatever the scheduler does; the measured rate is
        // over the time to the last answer, which a busy machine can stretch.
        #expect(report.requests == 400, "\(report.requests) requests")
        #expect(abs(report.throughput - 200) / 200 < 0.25, "\(report.throughput) requests/s")
        #expect(report.mode == "open")
    }

    @Test func anOpenLoopWarmsUpThenMeasuresAtItsRate() async throws {
        let endpoint = await TestEndpoint { _ in (.ok, .zero) }
        var plan = try Self.plan(endpoint.url, pacing: .openLoop(rate: 100, connections: 4), stop: .after(.seconds(1)))
        plan.warmup = .milliseconds(500)
        let report = try await LoadRunner(plan: plan).run()
        // The warm-up's 50 requests are sent and not counted; the measured second's 100 are.
        #expect(report.requests == 100, "\(report.requests) requests")
        #expect(endpoint.served.value.load(ordering: .relaxed) == 150)
    }

    @Test func openLoopLatencyIncludesTheQueueAClosedLoopHides() async throws {
        // One connection, 50 ms a request: at most 20 requests/s. Asked for 60 requests at
        // 100/s, the last waits about 2.4 s behind the others; a closed loop would say 50 ms.
        let endpoint = await TestEndpoint { _ in (.ok, .milliseconds(50)) }
        let open = try await LoadRunner(
            plan: Self.plan(endpoint.url, pacing: .openLoop(rate: 100, connections: 1), stop: .requests(60))
        ).run()
        #expect(open.requests == 60)
        #expect(open.latencyMilliseconds.max > 2000, "max \(open.latencyMilliseconds.max)")
        #expect(open.latencyMilliseconds.p50 > 1000, "p50 \(open.latencyMilliseconds.p50)")
        let closed = try await LoadRunner(plan: Self.plan(endpoint.url, pacing: .closedLoop(connections: 1), stop: .requests(20)))
            .run()
        // The closed loop sees the service time, not the queue: compared with the open loop's
        // figures in the same run, so that a busy machine's slower answers cannot decide it.
        #expect(
            closed.latencyMilliseconds.p50 < open.latencyMilliseconds.p50 / 5,
            "closed p50 \(closed.latencyMilliseconds.p50), open p50 \(open.latencyMilliseconds.p50)")
        #expect(
            closed.latencyMilliseconds.max < open.latencyMilliseconds.max / 4,
            "closed max \(closed.latencyMilliseconds.max), open max \(open.latencyMilliseconds.max)")
    }

    @Test func aRequestOverItsTimeoutIsCountedAsOneAndTheRunGoesOn() async throws {
        let endpoint = await TestEndpoint { index in (.ok, index < 2 ? .seconds(3) : .zero) }
        let report = try await LoadRunner(
            plan: Self.plan(endpoint.url, pacing: .closedLoop(connections: 1), stop: .requests(5), timeout: .milliseconds(300))
        ).run()
        #expect(report.failures == ["timeout": 2])
        #expect(report.statuses == ["200": 3])
        #expect(report.requests == 5)
    }

    @Test func sendsEachTextThroughTheTemplate() async throws {
        let endpoint = await TestEndpoint { _ in (.ok, .zero) }
        let bodies = try RequestBodies(
            template: #"{"text": "$TEXT"}"#, texts: ["plain", #"a "quoted" \ text"#, "tab\there"], file: "texts.txt")
        let report = try await LoadRunner(plan: Self.plan(endpoint.url, method: .POST, bodies: bodies, stop: .requests(9))).run()
        #expect(report.statuses == ["200": 9])
    }

    @Test func anUnreachableEndpointIsAnErrorBeforeTheRun() async throws {
        let plan = try Self.plan("http://127.0.0.1:1/endpoint", stop: .requests(1))
        await #expect(throws: BenchError.self) { try await LoadRunner(plan: plan).run() }
    }
}
