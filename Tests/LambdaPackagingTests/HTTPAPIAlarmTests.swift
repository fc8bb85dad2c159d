import Foundation
import LambdaPackaging
import LambdaRuntime
import Testing
import Yams

/// The HTTP API stack's 5xx alarm watches the metric the function itself writes, named from the
/// template's parameters, so the alarm refers to no resource (the cycle through the API that
/// CloudFormation refused is checked over every shape by `scripts/check_template_graph.py`).
@Suite struct HTTPAPIAlarmTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func theAlarmWatchesTheMetricTheFunctionWritesForEach5xx() throws {
        let template = try RemoteAndHTTPAPITests.template(.http, endpoints: [])
        let alarm = try #require(template["Resources"]?["ApiServerErrorAlarm"]?["Properties"]?.mapping)
        let dimension = try #require(alarm["Dimensions"]?.sequence?.first?.mapping)
        #expect(alarm["Dimensions"]?.sequence?.count == 1)
        let functionName = try RemoteAndHTTPAPITests.function(template)["FunctionName"]
        #expect(dimension["Value"]?.string == functionName?.string)
        #expect(dimension["Value"]?.tag.description == "!Sub")

        let lines = Lines()
        let metric = ServerErrorMetric(functionName: "magpie-dev", write: lines.append)
        for status in [200, 403, 422, 499] { metric.record(status: status) }
        #expect(lines.all.isEmpty)
        metric.record(status: 503, at: Date(timeIntervalSince1970: 1_700_000_000))
        let line = try #require(lines.all.first)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let aws = try #require(record["_aws"] as? [String: Any])
        #expect(aws["Timestamp"] as? Int == 1_700_000_000_000)
        let directive = try #require((aws["CloudWatchMetrics"] as? [[String: Any]])?.first)
        #expect(directive["Namespace"] as? String == alarm["Namespace"]?.string)
        #expect(directive["Dimensions"] as? [[String]] == [[try #require(dimension["Name"]?.string)]])
        let metrics = try #require(directive["Metrics"] as? [[String: String]])
        #expect(metrics.map { $0["Name"] } == [alarm["MetricName"]?.string])
        #expect(record[try #require(alarm["MetricName"]?.string)] as? Int == 1)
        #expect(record["FunctionName"] as? String == "magpie-dev")
        #expect(!line.contains("\n"))
    }

    @Test func theRESTStackKeepsAPIGatewaysOwn5xxMetricByTheAPIsName() throws {
        let template = try RemoteAndHTTPAPITests.template(.rest, endpoints: [])
        let alarm = try #require(template["Resources"]?["ApiServerErrorAlarm"]?["Properties"]?.mapping)
        #expect(alarm["Namespace"]?.string == "AWS/ApiGateway")
        #expect(alarm["MetricName"]?.string == "5XXError")
    }
}
