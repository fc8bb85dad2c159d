import Classifiers
import Foundation
import Gateway
import HTTPTypes
import Logging
import ModelRuntime
import Storage
import StorageSQLite

/// Times the request pipeline without HTTP, one stage at a time, so a slow serving figure can
/// be traced to the stage that costs it: the quota write alone, then `Gateway.handle` for the
/// no-op route, an unkeyed and a keyed classification. Sequential (one request at a time) and
/// concurrent (16 at once, as wrk's 16 connections). Prints one JSON object.
///
/// Usage: GatewayBenchmarks MODELS_DIR
@main
enum GatewayBenchmarks {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 2 else {
            FileHandle.standardError.write(Data("usage: GatewayBenchmarks MODELS_DIR\n".utf8))
            exit(2)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-gateway-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("bench.sqlite").path)
        let quota = try Quota(parsing: "1000000000/month")
        try await store.createPlan(UsagePlan(name: "bench", quota: quota, rate: 1e9, burst: 1_000_000_000))
        let (key, secret) = try await store.createKey(name: "bench", plan: "bench")

        let models = try ModelCatalog.discover(in: arguments[1])
        let registry = try ModelRegistry(deployments: models.map(\.deployment))
        let model = models[0].deployment.key
        let silent = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let keyed = Gateway(registry: registry, models: models, store: store, logger: silent)
        let open = Gateway(registry: registry, models: models, store: nil, logger: silent)

        let body = Array(#"{"text": "you are a stupid bitch and i hate you"}"#.utf8)
        let health = GatewayRequest(method: .get, path: "/health")
        let infer = GatewayRequest(
            method: .post, path: "/v1/infer/\(model.name)",
            headers: [.contentType: "application/json", HTTPField.Name("x-api-key")!: secret],
            body: body)

        /// Microseconds per call of `body`, median of 5 rounds of `count` calls, `concurrency` at once.
        @Sendable func microseconds(count: Int = 2000, concurrency: Int = 1, _ body: @escaping @Sendable () async throws -> Void)
            async throws
            -> Double
        {
            var rounds: [Double] = []
            for _ in 0..<5 {
                let start = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<concurrency {
                        group.addTask { for _ in 0..<(count / concurrency) { try await body() } }
                    }
                    try await group.waitForAll()
                }
                let elapsed = start.duration(to: .now)
                rounds.append(
                    (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * 1e6 / Double(count))
            }
            return rounds.sorted()[2]
        }

        @Sendable func expectOK(_ response: GatewayResponse) throws {
            guard response.status == .ok else { throw CancellationError() }
        }

        _ = await keyed.handle(infer)
        var report: [String: Double] = [:]
        let sortedEncoder = JSONEncoder()
        sortedEncoder.outputFormatting = [.sortedKeys]
        report["foundation_json_decode_us"] = try await microseconds {
            _ = try JSONDecoder().decode([String: String].self, from: Data(body))
        }
        report["foundation_json_encode_us"] = try await microseconds {
            _ = try sortedEncoder.encode(["category": "Offensive Language"])
        }
        report["classify_us"] = try await microseconds {
            _ = try await registry.classify(
                ["you are a stupid bitch and i hate you"], with: model, context: InvocationContext(requestID: "bench"))
        }
        for concurrency in [1, 16] {
            report["quota_write_us_c\(concurrency)"] = try await microseconds(concurrency: concurrency) {
                _ = try await store.consume(keyID: key.id, quota: quota)
            }
            report["authenticate_unknown_us_c\(concurrency)"] = try await microseconds(concurrency: concurrency) {
                _ = try await store.authenticate(secret: "mgp_unknown")
            }
            report["health_us_c\(concurrency)"] = try await microseconds(concurrency: concurrency) {
                try expectOK(await keyed.handle(health))
            }
            report["infer_open_us_c\(concurrency)"] = try await microseconds(concurrency: concurrency) {
                try expectOK(await open.handle(infer))
            }
            report["infer_keyed_us_c\(concurrency)"] = try await microseconds(concurrency: concurrency) {
                try expectOK(await keyed.handle(infer))
            }
        }
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
