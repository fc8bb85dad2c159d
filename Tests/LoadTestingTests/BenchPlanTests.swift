import JSONValues
import LoadTesting
import NIOHTTP1
import Testing

/// What `magpie bench` refuses before sending anything, and how it reads what it accepts.
@Suite struct BenchPlanTests {
    @Test func readsHTTPURLs() throws {
        let target = try BenchTarget(parsing: "http://127.0.0.1:8080/v1/infer/hate-speech?verbose=1")
        #expect(target.host == "127.0.0.1")
        #expect(target.port == 8080)
        #expect(target.requestTarget == "/v1/infer/hate-speech?verbose=1")
        #expect(try BenchTarget(parsing: "http://example.test").requestTarget == "/")
        #expect(try BenchTarget(parsing: "http://example.test").port == 80)
        let secure = try BenchTarget(parsing: "https://api.example.test/infer")
        #expect(secure.secure && secure.port == 443)
    }

    @Test(arguments: [
        ("127.0.0.1:8080/infer", "it is not a URL"), ("ftp://host/file", "only http and https URLs"),
        ("http:///path", "names no host"), ("not a url", "it is not a URL"),
    ])
    func refusesURLsItCannotUse(_ url: String, _ reason: String) {
        do {
            _ = try BenchTarget(parsing: url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test func readsAndRefusesHeaders() throws {
        #expect(try BenchPlan.header("x-api-key: abc") == ("x-api-key", "abc"))
        #expect(try BenchPlan.header("Content-Type:application/json") == ("Content-Type", "application/json"))
        for (header, reason) in [
            ("x-api-key abc", "no ':'"), (": abc", "is not a header name"), ("bad header: x", "is not a header name"),
        ] {
            do {
                _ = try BenchPlan.header(header)
                Issue.record("\(header) was accepted")
            } catch {
                #expect(error.description.contains(reason), "\(error.description)")
                #expect(error.description.contains("'Name: value'"))
            }
        }
    }

    @Test func templatesMustTakeTheTextAndStayJSON() throws {
        #expect(throws: BenchError.self) { try RequestBodies(template: #"{"text": "hi"}"#, texts: ["a"], file: "t.txt") }
        #expect(throws: BenchError.self) { try RequestBodies(template: #"{"text": $TEXT}"#, texts: ["a"], file: "t.txt") }
        #expect(throws: BenchError.emptyTexts("t.txt")) {
            try RequestBodies(template: #"{"text": "$TEXT"}"#, texts: ["", ""], file: "t.txt")
        }
        let bodies = try RequestBodies(
            template: #"{"text": "$TEXT"}"#, texts: ["say \"hi\"\n\u{1}", "back\\slash"], file: "t.txt")
        #expect(bodies.count == 2)
    }

    @Test func refusesPacingAndStopsThatCannotRun() throws {
        let target = try BenchTarget(parsing: "http://127.0.0.1:8080/")
        func plan(_ pacing: BenchPlan.Pacing, _ stop: BenchPlan.Stop, timeout: Duration = .seconds(1)) throws(BenchError) {
            _ = try BenchPlan(
                target: target, method: .GET, headers: HTTPHeaders(), bodies: nil, pacing: pacing, stop: stop, warmup: .zero,
                timeout: timeout)
        }
        #expect(throws: BenchError.invalidOption("--concurrency", "must be at least 1")) {
            try plan(.closedLoop(connections: 0), .requests(1))
        }
        #expect(throws: BenchError.invalidOption("--rate", "must be a positive number of requests per second")) {
            try plan(.openLoop(rate: 0, connections: 1), .requests(1))
        }
        #expect(throws: BenchError.invalidOption("--requests", "must be at least 1")) {
            try plan(.closedLoop(connections: 1), .requests(0))
        }
        #expect(throws: BenchError.invalidOption("--timeout", "must be longer than 0")) {
            try plan(.closedLoop(connections: 1), .requests(1), timeout: .zero)
        }
    }
}
