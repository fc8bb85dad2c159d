import Classifiers
import Foundation
import MagpieTestSupport
import Testing

/// Runs the built `magpie` executable as a user would, capturing its output.
struct MagpieProcess {
    struct Result {
        /// The exit status, or 128 + the signal's number for a child a signal killed (as shells
        /// report it).
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The executable next to the test bundle (`swift build` puts both in one folder), or
    /// `MAGPIE_BINARY`.
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["MAGPIE_BINARY"] { return URL(fileURLWithPath: path) }
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("magpie")
    }()

    /// The release build that `scripts/build-release magpie` makes (`scripts/test` runs it
    /// first), or `MAGPIE_RELEASE_BINARY`: what `magpie package lambda` ships.
    static func releaseExecutable() throws -> URL {
        let release =
            ProcessInfo.processInfo.environment["MAGPIE_RELEASE_BINARY"].map { URL(fileURLWithPath: $0) }
            ?? executable.resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("release/magpie")
        guard FileManager.default.isExecutableFile(atPath: release.path) else {
            throw MissingExecutable(path: release.path, build: "scripts/build-release magpie", variable: "MAGPIE_RELEASE_BINARY")
        }
        return release
    }

    /// Runs magpie to its exit on a thread of its own: waiting for a long command would
    /// otherwise hold one of the few cooperative threads every concurrent test shares.
    static func run(
        _ arguments: [String], input: String? = nil, environment: [String: String] = [:], executable: URL = executable
    ) async throws -> Result {
        try await offThePool { try runBlocking(arguments, input: input, environment: environment, executable: executable) }
    }

    private static func runBlocking(
        _ arguments: [String], input: String?, environment: [String: String], executable: URL
    ) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw MissingExecutable(path: executable.path)
        }
        let process = try ChildProcess(
            executable: executable.path, arguments: arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, input: .pipe, output: .pipe,
            errors: .pipe)
        if let input { process.input!.write(Data(input.utf8)) }
        try process.input!.close()
        let outputData = process.output!.readDataToEndOfFile()
        let errorData = process.errors!.readDataToEndOfFile()
        let status: Int32 =
            switch process.waitForExit() {
            case .exited(let code): code
            case .killed(let signal): 128 + signal
            }
        return Result(
            status: status, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    struct MissingExecutable: Error, CustomStringConvertible {
        var path: String
        var build = "swift build"
        var variable = "MAGPIE_BINARY"
        var description: String { "magpie is not built at \(path); run `\(build)` first or set \(variable)" }
    }
}

/// Files for one test in a fresh temporary directory.
struct Workspace {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The first `perClass` tweets of each class of the bundled data, as a CSV with the
    /// original header, so tests run in seconds on real text.
    /// Up to `perClass` rows of each class from the bundled tweets, after the first `skipping`
    /// rows (the fixture model trained on the first 1,500).
    func hateSpeechSlice(perClass: Int, name: String = "slice.csv", skipping: Int = 0) throws -> String {
        let source = Self.repositoryRoot.appendingPathComponent("data/hate-speech/labeled_data.csv")
        let table = try CSVReader.parse([UInt8](try Data(contentsOf: source)), path: source.path)
        let labelColumn = try #require(table.header.firstIndex(of: "class"))
        var counts: [String: Int] = [:]
        var rows = [table.header]
        for record in table.records.dropFirst(skipping) where counts[record.fields[labelColumn], default: 0] < perClass {
            counts[record.fields[labelColumn], default: 0] += 1
            rows.append(record.fields)
        }
        let text = rows.map { fields in
            fields.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
        }
        return try write(name, text.joined(separator: "\r\n") + "\r\n")
    }
}
