import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Measures first requests: after restarting the server with a command, or after leaving it
/// idle long enough to unload its model, `count` times. Each sample is one request on a fresh
/// connection, timed from sending to the answer; with a restart, also from the command's
/// start, which is what a client waiting on a restarting server sees.
public struct ColdStartProbe: Sendable {
    public enum Trigger: Sendable, Equatable {
        /// A shell command that restarts the server (it may return before the server listens).
        case restart(command: String)
        /// Waiting this long with no requests, past the server's idle unload.
        case idle(Duration)
    }

    public var trigger: Trigger
    public var count: Int

    public init(trigger: Trigger, count: Int) throws(BenchError) {
        guard count > 0 else { throw .invalidOption("--cold-start", "must be at least 1") }
        if case .idle(let duration) = trigger, duration <= .zero {
            throw .invalidOption("--idle", "must be longer than 0")
        }
        if case .restart(let command) = trigger, command.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalidOption("--restart-command", "is empty")
        }
        self.trigger = trigger
        self.count = count
    }

    /// Takes the samples, calling `progress` after each.
    func run(
        plan: BenchPlan, headers: HTTPHeaders, on group: any EventLoopGroup, progress: @Sendable (Int, ColdStartSample) -> Void
    ) async throws(BenchError) -> [ColdStartSample] {
        var samples: [ColdStartSample] = []
        for index in 0..<count {
            let triggered = ContinuousClock.now
            switch trigger {
            case .restart(let command): try await ShellCommand.run(command)
            case .idle(let duration): try? await Task.sleep(for: duration)
            }
            let connection = try await Self.connectWhenListening(plan: plan, timeout: plan.timeout, on: group)
            let sent = ContinuousClock.now
            let request = HTTP1Request(
                method: plan.method, target: plan.target.requestTarget, headers: headers, body: plan.bodies?.body(for: index))
            var sample = ColdStartSample()
            do {
                let response = try await connection.execute(request, timeout: plan.timeoutAmount)
                let answered = ContinuousClock.now
                sample.status = response.status
                sample.firstRequestMilliseconds = Self.milliseconds(sent.duration(to: answered))
                if case .restart = trigger {
                    sample.restartToAnswerMilliseconds = Self.milliseconds(triggered.duration(to: answered))
                }
                let timings = response.headers["Server-Timing"].map(ServerTiming.durations).reduce([:]) { $0.merging($1) { $1 } }
                sample.loadMilliseconds = timings["load"]
                sample.inferenceMilliseconds = timings["inference"]
                sample.upstreamMilliseconds = timings["upstream"]
                sample.gatewayMilliseconds = timings["gateway"]
                sample.coldStart = response.headers.first(name: "X-Magpie-Cold-Start").map { $0 == "true" }
            } catch {
                sample.failure = error.kind
            }
            await connection.close()
            samples.append(sample)
            progress(index, sample)
        }
        return samples
    }

    /// Connects as soon as the server accepts connections, trying every 5 ms until `timeout`.
    static func connectWhenListening(plan: BenchPlan, timeout: Duration, on group: any EventLoopGroup) async throws(BenchError)
        -> HTTP1Connection
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try await HTTP1Connection.connect(
                    host: plan.target.host, port: plan.target.port, tls: plan.tls, timeout: .seconds(1), on: group.next())
            } catch {
                guard ContinuousClock.now < deadline else {
                    throw .unreachable(plan.target.url, "not listening \(timeout) after the restart or idle wait (\(error))")
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Double { Double(Recorder.microseconds(duration)) / 1000 }
}

/// One first request.
public struct ColdStartSample: Sendable, Codable, Equatable {
    public var status: Int?
    public var failure: String?
    /// From sending the request to its answer.
    public var firstRequestMilliseconds: Double?
    /// From starting the restart command to the answer.
    public var restartToAnswerMilliseconds: Double?
    /// The server's own account, from `Server-Timing`: the model load and the inference.
    public var loadMilliseconds: Double?
    public var inferenceMilliseconds: Double?
    /// A gateway in front of a remote model: the wait on the upstream, and the gateway's own
    /// share of the request.
    public var upstreamMilliseconds: Double?
    public var gatewayMilliseconds: Double?
    /// `X-Magpie-Cold-Start`: whether the server says the request loaded the model.
    public var coldStart: Bool?

    enum CodingKeys: String, CodingKey {
        case status, failure
        case firstRequestMilliseconds = "first_request_ms"
        case restartToAnswerMilliseconds = "restart_to_answer_ms"
        case loadMilliseconds = "server_load_ms"
        case inferenceMilliseconds = "server_inference_ms"
        case upstreamMilliseconds = "server_upstream_ms"
        case gatewayMilliseconds = "server_gateway_ms"
        case coldStart = "cold_start"
    }
}
