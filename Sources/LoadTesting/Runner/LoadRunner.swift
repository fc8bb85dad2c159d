import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Runs a `BenchPlan`: opens its connections, sends its requests paced as the plan says,
/// and reports what was measured after the warm-up. `stop()` ends a run early (Ctrl-C) and
/// the report covers what was done until then.
public final class LoadRunner: Sendable {
    public let plan: BenchPlan
    public let coldStart: ColdStartProbe?
    private let stopped = Atomic<Bool>(false)
    private let issued = Atomic<Int>(0)
    /// The generator's own event loop, apart from any server's in the same process (tests),
    /// alive for the runner's lifetime; one thread, like wrk's `-t1`.
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let headers: HTTPHeaders
    /// Every request's method, target and headers, encoded once.
    private let template: HTTP1Request

    public init(plan: BenchPlan, coldStart: ColdStartProbe? = nil) {
        self.plan = plan
        self.coldStart = coldStart
        headers = plan.requestHeaders
        template = HTTP1Request(method: plan.method, target: plan.target.requestTarget, headers: headers, body: nil)
    }

    deinit {
        // Shut down off the loop's own thread, which a runner released there would be on.
        let group = group
        Thread.detachNewThread { try? group.syncShutdownGracefully() }
    }

    /// Ends the run: no request starts after this, those in flight finish.
    public func stop() { stopped.store(true, ordering: .relaxed) }

    /// Runs the plan: the cold-start samples, if asked for; the warm-up at the plan's pacing,
    /// recording nothing; then the measured run. `progress` is called about once a second with
    /// the figures so far, `coldProgress` after each cold-start sample.
    public func run(
        progress: @escaping @Sendable (BenchReport) -> Void = { _ in },
        coldProgress: @escaping @Sendable (Int, ColdStartSample) -> Void = { _, _ in }
    ) async throws(BenchError) -> BenchReport {
        var coldSamples: [ColdStartSample]?
        if let coldStart {
            coldSamples = try await coldStart.run(plan: plan, headers: headers, on: group, progress: coldProgress)
        } else {
            let probe = try await connect()
            await probe.close()
        }
        if plan.warmup > .zero {
            let start = ContinuousClock.now
            let ignored = Recorder(measuredFrom: start + .seconds(365 * 86_400))
            await phase(recorder: ignored, start: start, deadline: start + plan.warmup, limit: nil)
        }
        issued.store(0, ordering: .relaxed)
        let recorder = Recorder(measuredFrom: .now)
        let reporter = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                progress(BenchReport(plan: plan, state: recorder.snapshot, measuredFrom: recorder.measuredFrom, until: .now))
            }
        }
        defer { reporter.cancel() }
        switch plan.stop {
        case .after(let duration):
            await phase(recorder: recorder, start: recorder.measuredFrom, deadline: recorder.measuredFrom + duration, limit: nil)
        case .requests(let count): await phase(recorder: recorder, start: recorder.measuredFrom, deadline: nil, limit: count)
        }
        var report = BenchReport(plan: plan, state: recorder.snapshot, measuredFrom: recorder.measuredFrom, until: .now)
        if let coldStart, let coldSamples { report.coldStart = ColdStartReport(trigger: coldStart.trigger, samples: coldSamples) }
        return report
    }

    /// Sends requests at the plan's pacing until the deadline or the limit. The open loop's
    /// schedule begins at `start`, the instant the deadline counts from, so the number of
    /// requests due by the deadline is the rate times the duration however late this task
    /// starts.
    private func phase(
        recorder: Recorder, start: ContinuousClock.Instant, deadline: ContinuousClock.Instant?, limit: Int?
    ) async {
        switch plan.pacing {
        case .closedLoop(let connections):
            await withTaskGroup(of: Void.self) { workers in
                for _ in 0..<connections {
                    let eventLoop = group.next()
                    let driver = ClosedLoopDriver(
                        on: eventLoop, timeout: plan.timeoutAmount, recorder: recorder,
                        open: { [plan] in
                            HTTP1Connection.opening(
                                host: plan.target.host, port: plan.target.port, tls: plan.tls, timeout: plan.timeoutAmount,
                                on: eventLoop)
                        },
                        next: { [self] in claim(deadline: deadline, limit: limit).map { ($0, request($0)) } })
                    workers.addTask { await driver.run() }
                }
            }
        case .openLoop(let rate, let connections):
            let (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
            await withTaskGroup(of: Void.self) { workers in
                for _ in 0..<connections {
                    workers.addTask { await self.openLoopWorker(jobs: jobs, recorder: recorder) }
                }
                await dispatch(rate: rate, start: start, deadline: deadline, limit: limit, into: continuation)
            }
        }
    }

    /// A request due at `due` (open loop), with its place in the sequence of bodies.
    struct Job: Sendable {
        var index: Int
        var due: ContinuousClock.Instant
    }

    /// Claims the next request number, or nil once the phase is over.
    private func claim(deadline: ContinuousClock.Instant?, limit: Int?) -> Int? {
        guard !stopped.load(ordering: .relaxed) else { return nil }
        if let deadline, ContinuousClock.now >= deadline { return nil }
        let index = issued.wrappingAdd(1, ordering: .relaxed).oldValue
        if let limit, index >= limit { return nil }
        return index
    }

    private func openLoopWorker(jobs: AsyncStream<Job>, recorder: Recorder) async {
        var connection: HTTP1Connection?
        for await job in jobs {
            guard !stopped.load(ordering: .relaxed) else { break }
            await send(job.index, startedAt: job.due, on: &connection, recorder: recorder)
        }
        await connection?.close()
    }

    /// Emits each job when it is due, at `rate` a second from `start`: every due job at once,
    /// then a sleep until the next, so a late wake-up never lowers the rate.
    private func dispatch(
        rate: Double, start: ContinuousClock.Instant, deadline: ContinuousClock.Instant?, limit: Int?,
        into continuation: AsyncStream<Job>.Continuation
    ) async {
        defer { continuation.finish() }
        let interval = Duration.nanoseconds(Int64((1e9 / rate).rounded()))
        var sequence = 0
        while true {
            let due = start + interval * sequence
            if due > .now { try? await Task.sleep(until: due, clock: .continuous) }
            if let deadline, due >= deadline { return }
            guard let index = claim(deadline: nil, limit: limit) else { return }
            continuation.yield(Job(index: index, due: due))
            sequence += 1
        }
    }

    /// Sends request `index` on the worker's connection (opening one when it has none) and
    /// records it; a failed request drops the connection, so the next one starts clean.
    private func send(
        _ index: Int, startedAt start: ContinuousClock.Instant, on connection: inout HTTP1Connection?, recorder: Recorder
    ) async {
        do {
            let open: HTTP1Connection
            if let connection, connection.isOpen {
                open = connection
            } else {
                open = try await HTTP1Connection.connect(
                    host: plan.target.host, port: plan.target.port, tls: plan.tls, timeout: plan.timeoutAmount, on: group.next())
                connection = open
            }
            let response = try await open.execute(request(index), timeout: plan.timeoutAmount)
            recorder.record(start: start, end: .now, status: response.status, failure: nil)
        } catch {
            recorder.record(start: start, end: .now, status: nil, failure: error)
            await connection?.close()
            connection = nil
            // A refused connection fails at once; pausing keeps a run against a down server
            // from spinning through millions of attempts.
            if case .connect = error { try? await Task.sleep(for: .milliseconds(10)) }
        }
    }

    private func request(_ index: Int) -> HTTP1Request {
        var request = template
        request.body = plan.bodies?.body(for: index)
        return request
    }

    /// One connection up front, so an unreachable endpoint is an error, not a run of failures.
    private func connect() async throws(BenchError) -> HTTP1Connection {
        do {
            return try await HTTP1Connection.connect(
                host: plan.target.host, port: plan.target.port, tls: plan.tls, timeout: plan.timeoutAmount, on: group.next())
        } catch {
            throw .unreachable(plan.target.url, "\(error)")
        }
    }
}
