import Foundation

/// A helper server written in Python (moto, PostgreSQL, the SageMaker stand-in): started with its
/// standard input on a pipe, it announces itself with one JSON line on standard output and serves
/// until that pipe closes, so it dies with the test process even when a test crashes.
///
/// Starting one takes seconds (Python imports moto; initdb runs), and so can a command. Both wait
/// on a thread of their own: tests run on a cooperative pool as wide as the machine has cores, and
/// a few blocked waits there would stall every other test, whose deadlines then expire.
public final class HelperProcess: @unchecked Sendable {
    public let announcement: [String: Any]
    private let process: ChildProcess
    private let input: FileHandle
    private let output: FileHandle
    private let commandLock = NSLock()

    public struct Failed: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Runs `python3 script arguments…` from the repository root and waits for its line.
    public static func start(
        script: String, arguments: [String] = [], environment: [String: String] = [:]
    ) async throws -> HelperProcess {
        try await offThePool { try HelperProcess(script: script, arguments: arguments, environment: environment) }
    }

    private init(script: String, arguments: [String], environment: [String: String]) throws {
        process = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["python3", ModelFixture.repositoryRoot.appendingPathComponent(script).path] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, input: .pipe, output: .pipe,
            errors: .null)
        input = process.input!
        output = process.output!
        let line = Self.readLine(output)
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            process.terminate()
            throw Failed(description: "\(script) did not announce itself (is python3 with its packages installed?)")
        }
        announcement = object
    }

    /// Sends one line of control (e.g. `restart` to the PostgreSQL helper) and returns the
    /// helper's one-line answer.
    public func command(_ line: String) async -> String {
        await offThePool { [self] in
            commandLock.lock()
            defer { commandLock.unlock() }
            input.write(Data((line + "\n").utf8))
            return Self.readLine(output)
        }
    }

    private static func readLine(_ handle: FileHandle) -> String {
        var line = Data()
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        return String(decoding: line, as: UTF8.self)
    }

    public func string(_ key: String) throws -> String {
        guard let value = announcement[key] as? String else { throw Failed(description: "no \(key) in \(announcement)") }
        return value
    }

    deinit {
        try? input.close()
        process.terminate()
        _ = process.waitForExit()
    }
}

/// Runs blocking work (waiting for a process or a pipe) on a new thread and resumes with its
/// result, leaving the cooperative threads that every concurrent test shares free.
public func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// `offThePool` for work that cannot fail.
public func offThePool<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}
