import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension ServeProcessTests {
    /// A running `magpie serve` and the port it printed.
    final class Server {
        let process: ChildProcess
        var port = 0
        /// What the server logged after it started listening.
        let logged = LogBuffer()
        var loggedText: String { logged.text }

        final class LogBuffer: @unchecked Sendable {
            private let lock = NSLock()
            private var data = Data()
            func append(_ more: Data) { lock.withLock { data.append(more) } }
            var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
        }

        convenience init(models: String, database: String) throws {
            try self.init(arguments: ["--models", models, "--database", database, "--port", "0"])
        }

        init(arguments: [String], environment: [String: String] = [:]) throws {
            process = try ChildProcess(
                executable: MagpieProcess.executable.path, arguments: ["serve"] + arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, output: .pipe,
                errors: .sameAsOutput)
            let output = process.output!
            var buffered = ""
            let deadline = Date().addingTimeInterval(30)
            while port == 0 && Date() < deadline {
                let data = output.availableData
                if data.isEmpty { break }
                buffered += String(decoding: data, as: UTF8.self)
                for line in buffered.split(separator: "\n") where line.contains(#""message":"listening""#) {
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                    port = Int(object?["address"]?.split(separator: ":").last ?? "") ?? 0
                }
            }
            guard port != 0 else { throw ServerDidNotStart(output: buffered) }
            // Keep reading what the server logs, so a full pipe never blocks it (a server that
            // logs a reconnecting database on every request would otherwise stop answering).
            let logged = self.logged
            output.readabilityHandler = { handle in
                let data = handle.availableData
                logged.append(data)
            }
        }

        func classify(_ text: String, key: String) async throws -> (status: Int, body: String) {
            try await post("/v1/infer/hate-speech", ["text": text], key: key)
        }

        func post(_ path: String, _ body: [String: String], key: String) async throws -> (status: Int, body: String) {
            try await Self.post(port: port, path, body, key: key)
        }

        /// A request to the server on `port`; static, so concurrent tasks need not share the
        /// server object.
        static func post(
            port: Int, _ path: String, _ body: [String: String], key: String, timeout: TimeInterval = 60
        ) async throws -> (status: Int, body: String) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: timeout)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(key, forHTTPHeaderField: "x-api-key")
            request.httpBody = try JSONEncoder().encode(body)
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }

        /// Sends SIGTERM and returns how the server ended.
        func terminate() async -> ChildProcess.Termination {
            process.terminate()
            return await process.exit()
        }
    }
}
