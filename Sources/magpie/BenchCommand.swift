import ArgumentParser
import Dispatch
import Foundation
import LoadTesting
import NIOHTTP1

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure latency and throughput of any HTTP endpoint, Magpie's or another.",
        discussion: """
            Closed loop (--concurrency N connections, each sending when answered) or open loop \
            (--rate R requests/s, latency counted from when each request was due, so a queue \
            is not hidden). Keep-alive connections, HDR histograms. Progress goes to standard \
            error; Ctrl-C stops the run and prints what it measured.
            """
    )

    @Argument(help: "The endpoint, e.g. http://127.0.0.1:8080/v1/infer/hate-speech.") var url: String
    @Option(help: "The request method.") var method: String = "POST"
    @Option(help: "For an https:// URL: a PEM file of certificates to trust instead of the system's.") var cacert: String?
    @Option(name: .customLong("header"), help: "A request header, 'Name: value' (repeat for more).")
    var headers: [String] = []
    @Option(help: "A fixed request body.") var body: String?
    @Option(help: "A file with one text per line, each sent in turn through --template.") var texts: String?
    @Option(help: "The body for each text; $TEXT is replaced by the text, JSON-escaped.")
    var template: String = #"{"text": "$TEXT"}"#
    @Option(help: "How long to measure, e.g. 30s, 500ms, 2m (default 10s without --requests).") var duration: String?
    @Option(help: "How many requests to measure.") var requests: Int?
    @Option(help: "Connections (closed loop, default 16), or the most an open loop may use (default 64).")
    var concurrency: Int?
    @Option(help: "Requests per second, sent at a constant rate (open loop).") var rate: Double?
    @Option(help: "Requests sent before measuring starts, as a duration.") var warmup: String = "0s"
    @Option(help: "How long a request may take before it counts as a timeout.") var timeout: String = "10s"
    @Flag(help: "Print the report as JSON instead of a table.") var json = false
    @Option(help: "Also write the report as one self-contained HTML page with charts.") var html: String?
    @Option(help: "Measure this many first requests after a restart (--restart-command) or an idle wait (--idle).")
    var coldStart: Int?
    @Option(help: "A shell command that restarts the server, run before each cold-start sample.")
    var restartCommand: String?
    @Option(help: "How long to leave the server idle before each cold-start sample (past its idle unload).")
    var idle: String?

    func validate() throws {
        if coldStart != nil && (restartCommand == nil) == (idle == nil) {
            throw ValidationError("--cold-start needs either --restart-command or --idle")
        }
        if coldStart == nil && (restartCommand != nil || idle != nil) {
            throw ValidationError("--restart-command and --idle go with --cold-start N")
        }
        if duration != nil && requests != nil { throw ValidationError("give --duration or --requests, not both") }
        if body != nil && texts != nil { throw ValidationError("give --body or --texts, not both") }
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter && $0.isASCII }) else {
            throw ValidationError("--method '\(method)' is not an HTTP method")
        }
    }

    func run() async throws {
        let plan: BenchPlan
        let probe: ColdStartProbe?
        do {
            plan = try makePlan()
            probe = try coldStart.map { count throws(BenchError) in
                let trigger: ColdStartProbe.Trigger =
                    if let restartCommand { .restart(command: restartCommand) } else {
                        .idle(try Self.duration(idle ?? "", option: "--idle"))
                    }
                return try ColdStartProbe(trigger: trigger, count: count)
            }
        } catch {
            throw ValidationError(error.description)
        }
        let runner = LoadRunner(plan: plan, coldStart: probe)
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
        interrupt.setEventHandler {
            FileHandle.standardError.write(Data("\nstopping: the report covers what ran until now\n".utf8))
            runner.stop()
        }
        interrupt.resume()
        defer { interrupt.cancel() }
        let report: BenchReport
        do {
            report = try await runner.run(
                progress: { progress in FileHandle.standardError.write(Data((progress.progressLine + "\n").utf8)) },
                coldProgress: { index, sample in
                    let time = sample.firstRequestMilliseconds.map { String(format: "%.1f ms", $0) } ?? sample.failure ?? ""
                    FileHandle.standardError.write(Data("cold start \(index + 1): \(time)\n".utf8))
                })
        } catch {
            throw ValidationError(error.description)
        }
        print(json ? report.json : report.table)
        if let html {
            do { try HTMLReport.page(report).write(toFile: html, atomically: true, encoding: .utf8) } catch {
                throw ValidationError("cannot write --html \(html): \(error.localizedDescription)")
            }
        }
    }

    func makePlan() throws(BenchError) -> BenchPlan {
        var headers = HTTPHeaders()
        for header in self.headers {
            let (name, value) = try BenchPlan.header(header)
            headers.add(name: name, value: value)
        }
        var bodies: RequestBodies?
        if let body { bodies = RequestBodies(fixed: body) }
        if let texts {
            guard let data = FileManager.default.contents(atPath: texts) else { throw .unreadable(texts) }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
                String($0.hasSuffix("\r") ? $0.dropLast() : $0)
            }
            bodies = try RequestBodies(template: template, texts: lines, file: texts)
        }
        let stop: BenchPlan.Stop =
            if let requests { .requests(requests) } else { .after(try Self.duration(duration ?? "10s", option: "--duration")) }
        let pacing: BenchPlan.Pacing =
            if let rate { .openLoop(rate: rate, connections: concurrency ?? 64) } else {
                .closedLoop(connections: concurrency ?? 16)
            }
        return try BenchPlan(
            target: try BenchTarget(parsing: url, trustedCertificates: cacert), method: HTTPMethod(rawValue: method.uppercased()),
            headers: headers,
            bodies: bodies, pacing: pacing, stop: stop, warmup: try Self.duration(warmup, option: "--warmup"),
            timeout: try Self.duration(timeout, option: "--timeout"))
    }

    /// `30s`, `500ms`, `2m`, `1.5s`, or a plain number of seconds.
    static func duration(_ text: String, option: String) throws(BenchError) -> Duration {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where text.hasSuffix(unit.suffix) {
            if let value = Double(text.dropLast(unit.suffix.count)), value >= 0, value.isFinite {
                return .milliseconds(Int64((value * unit.seconds * 1000).rounded()))
            }
            break
        }
        if let value = Double(text), value >= 0, value.isFinite { return .milliseconds(Int64((value * 1000).rounded())) }
        throw .invalidOption(option, "'\(text)' is not a duration (e.g. 30s, 500ms, 2m)")
    }
}
