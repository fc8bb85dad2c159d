import Foundation
import LoadTesting
import NIOHTTP1
import Testing

/// Cold-start samples against a real server, and the HTML page a run writes.
@Suite struct ColdStartAndHTMLTests {
    @Test func restartSamplesTimeTheFirstRequestAndTheRestartToAnswer() async throws {
        let endpoint = await TestEndpoint { _ in (.ok, .milliseconds(30)) }
        let plan = try LoadRunnerTests.plan(endpoint.url, stop: .requests(20))
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-restart-\(UUID().uuidString)").path
        let probe = try ColdStartProbe(trigger: .restart(command: "sleep 0.1; echo restarted >> '\(marker)'"), count: 3)
        let report = try await LoadRunner(plan: plan, coldStart: probe).run()
        let cold = try #require(report.coldStart)
        #expect(cold.trigger == "restart")
        #expect(cold.samples.count == 3)
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "restarted\nrestarted\nrestarted\n")
        for sample in cold.samples {
            #expect(sample.status == 200)
            let first = try #require(sample.firstRequestMilliseconds)
            let whole = try #require(sample.restartToAnswerMilliseconds)
            #expect(first >= 30)
            #expect(whole >= first + 100, "restart to answer \(whole) ms, first request \(first) ms")
            #expect(sample.coldStart == nil)
        }
        #expect(report.requests == 20)
        #expect(endpoint.served.value.load(ordering: .relaxed) == 23)
    }

    @Test func aFailingRestartCommandStopsTheRunWithItsStatus() async throws {
        let endpoint = await TestEndpoint { _ in (.ok, .zero) }
        let plan = try LoadRunnerTests.plan(endpoint.url, stop: .requests(1))
        let probe = try ColdStartProbe(trigger: .restart(command: "exit 3"), count: 1)
        await #expect(throws: BenchError.invalidOption("--restart-command", "'exit 3' exited with status 3")) {
            try await LoadRunner(plan: plan, coldStart: probe).run()
        }
        #expect(throws: BenchError.invalidOption("--cold-start", "must be at least 1")) {
            try ColdStartProbe(trigger: .idle(.seconds(1)), count: 0)
        }
    }

    @Test func theHTMLPageIsSelfContainedWithItsThreeCharts() async throws {
        let endpoint = await TestEndpoint { index in (index % 4 == 0 ? .notFound : .ok, .milliseconds(index % 5)) }
        let report = try await LoadRunner(plan: LoadRunnerTests.plan(endpoint.url + "?q=<b>&x=1", stop: .requests(200))).run()
        let page = HTMLReport.page(report)
        #expect(page.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(page.contains("<polyline"))
        #expect(page.components(separatedBy: "<rect").count - 1 >= report.histogram.count)
        for external in ["<script", "src=", "href=", "@import", "url("] { #expect(!page.contains(external), "\(external)") }
        #expect(!page.contains("?q=<b>"))
        #expect(page.contains("?q=&lt;b&gt;"))
        #expect(report.histogram.map(\.count).reduce(0, +) == 200)
        #expect(report.percentileCurve.first?.percentile == 0)
        #expect(report.percentileCurve.last!.milliseconds >= report.latencyMilliseconds.p999)
        #expect(zip(report.percentileCurve, report.percentileCurve.dropFirst()).allSatisfy { $0.milliseconds <= $1.milliseconds })
    }
}
