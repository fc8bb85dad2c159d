import CProcessSpawn
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A process the tests start (magpie, Python helpers, curl), spawned with `posix_spawn` and
/// reaped by a thread of its own.
///
/// Foundation's `Process.run()` in Swift 6.3 crashes now and then when several threads start
/// processes at once (a `memcpy` past its buffer while listing `/proc/self/fd`;
/// swift-corelibs-foundation#5472), which took down whole test runs in CI. Here the pipes are
/// made close-on-exec and the child closes every other descriptor itself (`closefrom`), so
/// concurrent spawns cannot leak each other's pipe ends and no one has to list descriptors.
public final class ChildProcess: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        /// The test process's own stream.
        case inherit
        case null
        /// A new pipe, whose other end is `input`, `output` or `errors`.
        case pipe
        /// Standard error only: the same pipe as standard output, for one interleaved log.
        case sameAsOutput
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case killed(signal: Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exited with status \(code)"
            case .killed(let signal): "killed by signal \(signal)"
            }
        }
    }

    public struct SpawnFailed: Error, CustomStringConvertible {
        public let description: String
    }

    public let identifier: pid_t
    /// The write end of the child's standard input, when it is `.pipe`.
    public let input: FileHandle?
    /// The read end of the child's standard output, when it is `.pipe`.
    public let output: FileHandle?
    /// The read end of the child's standard error, when it is `.pipe`.
    public let errors: FileHandle?

    private let lock = NSCondition()
    private var termination: Termination?
    private var reapedAt: ContinuousClock.Instant?

    /// Starts `executable` (a path, not looked up in `PATH`) with `arguments`, in `directory`
    /// when given, with exactly `environment`.
    public init(
        executable: String, arguments: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String? = nil, input inputStream: Stream = .null, output outputStream: Stream = .inherit,
        errors errorStream: Stream = .inherit
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [Int32] = []
        defer { for descriptor in childEnds { close(descriptor) } }

        func connect(_ stream: Stream, to target: Int32, childReads: Bool) throws -> FileHandle? {
            switch stream {
            case .inherit:
                return nil
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", childReads ? O_RDONLY : O_WRONLY, 0)
                return nil
            case .sameAsOutput:
                posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, target)
                return nil
            case .pipe:
                var ends: [Int32] = [0, 0]
                guard magpie_close_on_exec_pipe(&ends) == 0 else {
                    throw SpawnFailed(description: "pipe: \(String(cString: strerror(errno)))")
                }
                let (childEnd, parentEnd) = childReads ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
                return FileHandle(fileDescriptor: parentEnd, closeOnDealloc: true)
            }
        }
        input = try connect(inputStream, to: STDIN_FILENO, childReads: true)
        output = try connect(outputStream, to: STDOUT_FILENO, childReads: false)
        errors = try connect(errorStream, to: STDERR_FILENO, childReads: false)
        if let directory { magpie_spawn_add_chdir(&actions, directory) }
        magpie_spawn_add_close_from(&actions, 3)

        // Ignored and blocked signals survive exec: start the child with the defaults, as a shell would.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw SpawnFailed(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        identifier = pid
        Thread.detachNewThread { [self] in reap() }
    }

    private func reap() {
        var status: Int32 = 0
        while waitpid(identifier, &status, 0) == -1 && errno == EINTR {}
        let reaped = ContinuousClock.now
        // WIFEXITED, WEXITSTATUS and WTERMSIG, which Swift does not import as macros.
        let ended: Termination = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .killed(signal: status & 0x7F)
        lock.lock()
        termination = ended
        reapedAt = reaped
        lock.broadcast()
        lock.unlock()
    }

    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return termination == nil
    }

    /// When the child's end was seen, by a thread that does nothing else. A test timing a
    /// shutdown reads this rather than the clock after `exit()`, which also counts how late a
    /// busy cooperative pool (other suites training models on it) resumed the test.
    public var endedAt: ContinuousClock.Instant? {
        lock.lock()
        defer { lock.unlock() }
        return reapedAt
    }

    /// Sends `signal` unless the child has already been reaped, so its number cannot reach a
    /// process that reused it.
    public func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if termination == nil { kill(identifier, signal) }
    }

    public func terminate() { send(SIGTERM) }

    /// Blocks until the child ends; on the cooperative pool, use `exit()`.
    public func waitForExit() -> Termination {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let termination { return termination }
            lock.wait()
        }
    }

    /// Runs a short command (`readelf`, `openssl`) to its end, blocking, and returns how it ended
    /// and what it printed on standard output.
    public static func run(
        _ executable: String, _ arguments: [String], errors: Stream = .null
    ) throws -> (termination: Termination, output: String) {
        let child = try ChildProcess(executable: executable, arguments: arguments, output: .pipe, errors: errors)
        let printed = child.output!.readDataToEndOfFile()
        return (child.waitForExit(), String(decoding: printed, as: UTF8.self))
    }

    /// Waits for the child to end on a thread of its own.
    @discardableResult
    public func exit() async -> Termination {
        await offThePool { [self] in waitForExit() }
    }
}
