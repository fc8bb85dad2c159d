import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Storage
import Synchronization

/// Keys, plans and quota counters in PostgreSQL, shared by every replica that points at the
/// same database. Each quota decision is one statement, a conditional
/// `INSERT … ON CONFLICT … DO UPDATE … WHERE count < limit RETURNING`: PostgreSQL locks the
/// counter row and re-checks the condition on its latest version, so however many replicas
/// race, a key is counted at most `limit` times a period, and a counted request is committed
/// before its answer.
public final class PostgresStore: KeyStore {
    let client: PostgresClient
    let logger: Logger
    /// Runs the client's connection pool until the store is closed.
    private let runner: Task<Void, Never>
    public let location: String
    /// How long an operation may wait for the database before it counts as unavailable: a
    /// request then gets 503 at once instead of hanging on a database that is restarting.
    let timeout: Duration
    /// Batches concurrent quota decisions. Several batches at once, each on its own pooled
    /// connection: a batch waits a round trip and a commit, not the CPU.
    let commitQueue = GroupCommitQueue<ConsumeRequest, QuotaDecision>(maxBatchesInFlight: 1)

    /// Connects to `url` (`postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…`) and brings
    /// the schema up to date; replicas starting together migrate once. A database that cannot be
    /// reached is reported and retried for `start_timeout` (`StartupWait`), then refused.
    public static func connect(url: String, logger: Logger) async throws(StorageError) -> PostgresStore {
        let parsed = try PostgresURL(url)
        let location = PostgresURL.redacted(url)
        try await StartupWait(
            store: "PostgreSQL at \(location)", setting: "start_timeout in the URL", within: parsed.startTimeout, logger: logger
        ).run(location: location, isTransient: PostgresReachability.isTransient, reason: PostgresReachability.reason) {
            try await PostgresReachability.probe(parsed, logger: logger)
        }
        let store = PostgresStore(
            client: PostgresClient(configuration: parsed.configuration, backgroundLogger: logger),
            location: location, timeout: parsed.timeout, logger: logger)
        do {
            try await store.operation(timeout: .seconds(30)) { try await PostgresSchema.migrate(store.client, logger: logger) }
        } catch {
            await store.close()
            throw .cannotOpen(path: store.location, reason: error.description)
        }
        return store
    }

    private init(client: PostgresClient, location: String, timeout: Duration, logger: Logger) {
        self.client = client
        self.location = location
        self.timeout = timeout
        self.logger = logger
        runner = Task { await client.run() }
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    /// Runs `body` against the database within `timeout`; connection failures and a database
    /// that is shutting down or starting become `unavailable`, other failures `database`.
    func operation<T: Sendable>(timeout: Duration? = nil, _ body: @escaping @Sendable () async throws -> T)
        async throws(StorageError) -> T
    {
        let limit = timeout ?? self.timeout
        do {
            return try await Self.race(body, within: limit)
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    /// `body`'s result, or `unavailable` once `limit` has passed, without waiting for `body` to
    /// notice: a query waiting for a connection to a database that is down does not always
    /// answer cancellation, and a task group would wait for it.
    static func race<T: Sendable>(_ body: @escaping @Sendable () async throws -> T, within limit: Duration) async throws -> T {
        let answered = FirstAnswer()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let timer = Task {
                try await Task.sleep(for: limit)
                if answered.claim() {
                    continuation.resume(throwing: StorageError.unavailable("PostgreSQL did not answer within \(limit)"))
                }
            }
            Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                // A timer left sleeping would hold a task and a timer for the whole limit per call.
                timer.cancel()
                if answered.claim() { continuation.resume(with: result) }
            }
        }
    }

    static func classify(_ error: any Error) -> StorageError {
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                // Class 08: connection exceptions; 57P01–57P03: shutting down or not yet accepting.
                if state.hasPrefix("08") || state.hasPrefix("57P") {
                    return .unavailable("PostgreSQL is not accepting queries (\(state))")
                }
                return .database("PostgreSQL \(state): \(error.serverInfo?[.message] ?? "")")
            }
            switch error.code {
            case .server: return .database("PostgreSQL: \(error.serverInfo?[.message] ?? "")")
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .queryCancelled:
                return .unavailable("the connection to PostgreSQL failed (\(error.code))")
            default: return .database("PostgreSQL: \(error.code)")
            }
        }
        if let error = error as? PostgresTransactionError {
            guard let cause = error.beginError ?? error.closureError ?? error.commitError ?? error.rollbackError else {
                return .database("a PostgreSQL transaction failed")
            }
            return classify(cause)
        }
        return .unavailable("PostgreSQL: \(error)")
    }
}

/// Lets exactly one of two racing tasks answer a continuation.
private final class FirstAnswer: Sendable {
    private let answered = Atomic<Bool>(false)

    func claim() -> Bool {
        answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
