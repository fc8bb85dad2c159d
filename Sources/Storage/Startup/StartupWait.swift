import Foundation
import Logging

/// How a server waits for its shared store at start. A database that starts beside the server
/// (one compose file, one deployment) may answer a few seconds late, so the first attempts are
/// retried; one that stays unreachable is reported on the terminal at `error` level, naming
/// the store and the reason (a refused connection, a name that does not resolve, a wrong
/// password), and after `within` the server exits non-zero with that reason instead of hanging
/// without a listening port.
package struct StartupWait {
    /// What is being reached, for messages: "PostgreSQL at postgres://u:***@db:5432/magpie".
    let store: String
    /// The URL parameter that sets `within`, named in the messages.
    let setting: String
    let within: Duration
    let logger: Logger
    /// Between attempts; the error line is repeated at most every `reportEvery`.
    var pause: Duration = .seconds(1)
    var reportEvery: Duration = .seconds(5)

    package init(store: String, setting: String, within: Duration, logger: Logger) {
        self.store = store
        self.setting = setting
        self.within = within
        self.logger = logger
    }

    /// Runs `attempt` until it succeeds, a failure is not worth waiting for (`isTransient`
    /// false: a wrong password, a refused table), or `within` has passed. Its last failure's
    /// reason becomes `cannotOpen`'s.
    package func run<T>(
        location: String, isTransient: (any Error) -> Bool, reason: (any Error) -> String,
        _ attempt: () async throws -> T
    ) async throws(StorageError) -> T {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: within)
        var lastReport: ContinuousClock.Instant?
        while true {
            let failure: any Error
            do {
                return try await attempt()
            } catch {
                failure = error
            }
            let why = reason(failure)
            guard isTransient(failure) else { throw .cannotOpen(path: location, reason: why) }
            let now = clock.now
            guard now < deadline else {
                throw .cannotOpen(path: location, reason: "\(why) (still unreachable after \(Self.seconds(within)); \(setting))")
            }
            if lastReport.map({ $0.duration(to: now) >= reportEvery }) ?? true {
                lastReport = now
                logger.error(
                    "cannot reach \(store): \(why); retrying for up to \(Self.seconds(within)) (\(setting)), then exiting",
                    metadata: ["store": "\(location)", "reason": "\(why)"])
            }
            do { try await Task.sleep(for: min(pause, now.duration(to: deadline))) } catch {
                throw .cannotOpen(path: location, reason: why)
            }
        }
    }

    static func seconds(_ duration: Duration) -> String {
        "\(duration.components.seconds) s"
    }
}
