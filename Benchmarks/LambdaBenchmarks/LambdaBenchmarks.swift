import Foundation
import MagpieTestSupport

/// Times a Lambda function against a local Runtime API, as Lambda would start and drive it:
///
/// - cold start: process start (`exec`) to the first invocation's response arriving at the
///   Runtime API, each run a fresh process and a fresh Runtime API, for the bootstrap and for
///   each reference command (e.g. a Python runtime that answers with a constant);
/// - warm invocations: one process answering events one after another, the time from an
///   event's hand-out to its response, for a `GET /health` event (the runtime's own overhead:
///   the loop, two HTTP exchanges, the event and response adapters) and a classification.
///
/// Prints one JSON object. Usage:
///   LambdaBenchmarks TASK_ROOT [--runs 15] [--warm 2000] [--zip function.zip] [--reference NAME=COMMAND ...]
@main
enum LambdaBenchmarks {
    static let restInfer =
        #"{"version": "1.0", "resource": "/infer/{model}", "path": "/infer/MODEL", "httpMethod": "POST", "headers": {"Content-Type": "application/json"}, "body": "{\"text\": \"you are a stupid bitch and i hate you\"}", "isBase64Encoded": false, "requestContext": {"stage": "v1"}}"#
    static let httpHealth =
        #"{"version": "2.0", "routeKey": "$default", "rawPath": "/health", "rawQueryString": "", "headers": {}, "requestContext": {"http": {"method": "GET", "path": "/health"}, "stage": "$default"}, "isBase64Encoded": false}"#

    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let taskRoot = arguments.first, !taskRoot.hasPrefix("-") else { usage() }
        arguments.removeFirst()
        var runs = 15
        var warm = 2000
        var references: [(name: String, command: String)] = []
        var zip: String?
        while !arguments.isEmpty {
            let flag = arguments.removeFirst()
            guard let value = arguments.first else { usage() }
            arguments.removeFirst()
            switch flag {
            case "--runs": runs = Int(value) ?? runs
            case "--warm": warm = Int(value) ?? warm
            case "--zip": zip = value
            case "--reference":
                guard let equals = value.firstIndex(of: "=") else { usage() }
                references.append((String(value[..<equals]), String(value[value.index(after: equals)...])))
            default: usage()
            }
        }
        let model = try FileManager.default.contentsOfDirectory(atPath: taskRoot + "/models").sorted().first ?? "hate-speech"
        let infer = Array(restInfer.replacingOccurrences(of: "MODEL", with: model).utf8)
        let bootstrap = [taskRoot + "/bootstrap"]

        var cold: [String: Any] = [:]
        // Interleaved, so a slow minute of this shared host slows every command alike.
        // The first run of each pays for reading the executable from disk; Lambda caches a
        // function's code too, so that run is not counted.
        var samples: [String: [Double]] = [:]
        for run in -1..<runs {
            let magpie = try await coldStart(bootstrap, taskRoot: taskRoot, event: infer)
            if run >= 0 { samples["magpie", default: []].append(magpie) }
            for reference in references {
                let time = try await coldStart(["/bin/sh", "-c", "exec " + reference.command], taskRoot: taskRoot, event: infer)
                if run >= 0 { samples[reference.name, default: []].append(time) }
            }
        }
        for (name, values) in samples { cold[name] = summary(values) }

        let server = try await RuntimeAPIServer()
        let process = try start(bootstrap, taskRoot: taskRoot, runtimeAPI: server.endpoint)
        defer { process.send(SIGKILL) }
        var posted = 0
        func roundTrips(_ event: [UInt8], count: Int) async -> [Double] {
            var times: [Double] = []
            for index in 0..<count {
                let start = ContinuousClock.now
                server.enqueue(event, requestID: "warm-\(posted)-\(index)")
                posted += 1
                _ = await server.posted(posted)
                times.append(milliseconds(start.duration(to: .now)))
            }
            return times
        }
        _ = await roundTrips(infer, count: 50)
        let health = await roundTrips(Array(httpHealth.utf8), count: warm)
        let classify = await roundTrips(infer, count: warm)

        let report: [String: Any] = [
            "cold_start_ms": cold,
            "warm_invocation_ms": ["health": summary(health), "classify": summary(classify)],
            "bootstrap_bytes": (try? FileManager.default.attributesOfItem(atPath: bootstrap[0])[.size] as? Int) ?? 0,
            "function_zip_bytes": zip.flatMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int } ?? 0,
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    /// Milliseconds from starting `command` to the first response reaching a fresh Runtime API.
    static func coldStart(_ command: [String], taskRoot: String, event: [UInt8]) async throws -> Double {
        let server = try await RuntimeAPIServer()
        server.enqueue(event, requestID: "cold")
        let start = ContinuousClock.now
        let process = try Self.start(command, taskRoot: taskRoot, runtimeAPI: server.endpoint)
        let posts = await server.posted(1)
        let elapsed = milliseconds(start.duration(to: .now))
        // SIGKILL, as Lambda ends an environment.
        process.send(SIGKILL)
        await process.exit()
        guard case .response = posts.first else {
            FileHandle.standardError.write(Data("\(command.joined(separator: " ")) did not answer: \(posts)\n".utf8))
            exit(1)
        }
        return elapsed
    }

    /// Starts `command` in the task root with what Lambda's environment holds.
    static func start(_ command: [String], taskRoot: String, runtimeAPI: String) throws -> ChildProcess {
        let environment = [
            "AWS_LAMBDA_RUNTIME_API": runtimeAPI, "LAMBDA_TASK_ROOT": taskRoot, "_HANDLER": "bootstrap",
            "AWS_REGION": "us-east-1", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "TZ": ":UTC", "LANG": "en_US.UTF-8",
            "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin", "MAGPIE_LOG_LEVEL": "warning",
        ]
        return try ChildProcess(
            executable: command[0], arguments: Array(command.dropFirst()), environment: environment, directory: taskRoot,
            output: .null, errors: .null)
    }

    static func summary(_ values: [Double]) -> [String: Double] {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return [
            "min": sorted.first ?? 0, "median": percentile(0.5), "p90": percentile(0.9), "p99": percentile(0.99),
            "max": sorted.last ?? 0,
        ]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func usage() -> Never {
        FileHandle.standardError.write(
            Data("usage: LambdaBenchmarks TASK_ROOT [--runs N] [--warm N] [--zip FILE] [--reference NAME=COMMAND ...]\n".utf8))
        exit(2)
    }
}
