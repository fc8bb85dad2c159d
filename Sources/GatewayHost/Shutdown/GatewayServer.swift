import Logging
import ServiceLifecycle

/// The HTTP server as a service whose graceful shutdown (SIGTERM) happens in the order a load
/// balancer needs: first every new request is answered 503 `shutting_down` while the ones
/// already begun finish, for at most `shutdownTimeout`; then the listener closes and idle
/// connections with it. Whatever still runs a little after the bound is cancelled, and a
/// request that ignores cancellation (a model load, a remote call) is abandoned: `run` returns
/// anyway, so shutdown always ends and the process exits 0.
public struct GatewayServer: Service {
    let application: any Service
    let drain: RequestDrain
    let shutdownTimeout: Duration
    let logger: Logger

    public func run() async throws {
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: application),
                .init(service: DrainOnShutdown(drain: drain, timeout: shutdownTimeout, logger: logger)),
            ],
            gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        configuration.maximumGracefulShutdownDuration = shutdownTimeout + Self.closingAllowance
        let group = ServiceGroup(configuration: configuration)
        let (ends, end) = AsyncStream.makeStream(of: Result<Void, any Error>.self)
        // Unstructured, so a request that ignores cancellation cannot hold `run` past the bound;
        // both tasks inherit the graceful shutdown of the group this service runs in.
        let serving = Task {
            do {
                try await group.run()
                end.yield(.success(()))
            } catch {
                end.yield(.failure(error))
            }
        }
        let abandoning = Task { [drain, logger, shutdownTimeout] in
            try await gracefulShutdown()
            try await Task.sleep(for: shutdownTimeout + Self.closingAllowance + Self.cancellingAllowance)
            logger.warning(
                "shutdown bound passed; abandoning requests that ignored cancellation",
                metadata: ["in_flight": "\(drain.inFlight)"])
            end.yield(.success(()))
        }
        defer {
            serving.cancel()
            abandoning.cancel()
        }
        try await withTaskCancellationHandler {
            for await ended in ends { return try ended.get() }
        } onCancel: {
            serving.cancel()
            end.finish()
        }
    }

    /// After the drain, time for the listener and the idle connections to close.
    static let closingAllowance = Duration.seconds(1)
    /// After cancelling what still ran, time for it to end before it is abandoned.
    static let cancellingAllowance = Duration.milliseconds(500)
}

/// Does nothing until graceful shutdown; then stops taking requests and waits for the ones in
/// flight. It is listed after the application, so the group shuts it down first and the
/// application's listener stays open (answering 503) while requests drain.
struct DrainOnShutdown: Service {
    let drain: RequestDrain
    let timeout: Duration
    let logger: Logger

    func run() async throws {
        try await gracefulShutdown()
        let inFlight = drain.beginDraining()
        logger.notice("shutting down", metadata: ["in_flight": "\(inFlight)"])
        let remaining = await drain.waitUntilIdle(timeout: timeout)
        if remaining > 0 {
            logger.warning(
                "shutdown timeout reached; closing requests still in flight",
                metadata: ["in_flight": "\(remaining)", "timeout_s": "\(timeout.components.seconds)"])
        }
    }
}
