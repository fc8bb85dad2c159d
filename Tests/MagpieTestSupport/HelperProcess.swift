import Foundation

/// A helper server written in Python (moto, the SageMaker stand-in): started with its standard
/// input on a pipe, it announces itself with one JSON line on standard output and serves until
/// that pipe closes, so it dies with the test process even when a test crashes.
public final class HelperProcess: @unchecked Sendable {
    public let announcement: [String: Any]
    private let process: Process
    private let input: Pipe

    public struct Failed: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Runs `python3 script arguments…` from the repository root and waits for its line.
    public init(script: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", ModelFixture.repositoryRoot.appendingPathComponent(script).path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            process.terminate()
            throw Failed(description: "\(script) did not announce itself (is python3 with its packages installed?)")
        }
        announcement = object
    }

    public func string(_ key: String) throws -> String {
        guard let value = announcement[key] as? String else { throw Failed(description: "no \(key) in \(announcement)") }
        return value
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }
}
