import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird application on a free loopback port, for tests' stand-in servers: it runs
/// until `task` is cancelled (their deinit does that).
public enum LoopbackServer {
    /// Starts `router` and returns once it accepts connections.
    public static func start(_ router: Router<BasicRequestContext>) async -> (port: Int, task: Task<Void, any Error>) {
        let logger = Logger(label: "loopback") { label in SwiftLogNoOpLogHandler(label) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        return (await iterator.next() ?? 0, task)
    }
}
