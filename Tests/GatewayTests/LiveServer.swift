import Classifiers
import Clocks
import Foundation
import Gateway
import GatewayHost
import Logging
import MagpieTestSupport
import ModelRuntime
import Releases
import ServerAssembly
import ServiceLifecycle
import Storage
import StorageSQLite

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real gateway on an ephemeral loopback port with a real SQLite file and the fixture
/// model, and a URLSession client allowed enough connections for concurrency tests.
final class LiveServer: Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var message: String? { (json as? [String: Any])?["message"] as? String }
    }

    let port: Int
    let store: SQLiteStore
    let gateway: Gateway
    /// Set when the server serves `versions` of its model.
    let releases: ReleaseController?
    let databaseDirectory: URL
    private let task: Task<Void, any Error>
    private let group: ServiceGroup
    private let session: URLSession

    /// Starts a server; `loader` replaces artifact loading (to slow or count it). `remotes`
    /// adds remote models, served beside `deployment`. `versions` serves the deployment as
    /// those numbered versions (each loaded through `loader` with its `version` set), with its
    /// release in the server's store under `releasePolicy`; tests call `releases.analyze()`.
    init(
        deployment: ModelDeployment = ModelDeployment(name: "hate-speech", path: ModelFixture.artifact),
        loader: ModelRegistry.Loader? = nil, routes: [ModelRoute] = [], limits: GatewayLimits = GatewayLimits(),
        cors: CORSPolicy = CORSPolicy(), remotes: [(deployment: ModelDeployment, model: any ServableModel)] = [],
        metrics: GatewayMetrics = .prometheus(), logHandler: (any LogHandler)? = nil, ready: Bool = true,
        connectionLimits: ConnectionLimits = ConnectionLimits(), versions: [Int] = [],
        releasePolicy: ReleasePolicy = ReleasePolicy(), clock: AnyClock<Duration> = AnyClock(ContinuousClock())
    ) async throws {
        databaseDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-gateway-\(UUID().uuidString)")
        store = try SQLiteStore(path: databaseDirectory.appendingPathComponent("magpie.sqlite").path)
        let remoteModels = Dictionary(remotes.map { ($0.deployment.name, $0.model) }, uniquingKeysWith: { $1 })
        let artifactLoader = loader ?? { deployment in try ArtifactModel.load(from: deployment.path) }
        let versioned = versions.map { version in
            var copy = deployment
            copy.version = version
            return copy
        }
        let registry = try ModelRegistry(
            deployments: (versioned.isEmpty ? [deployment] : versioned) + remotes.map(\.deployment),
            loader: { deployment in
                if let remote = remoteModels[deployment.name] { return remote }
                return try await artifactLoader(deployment)
            }, clock: clock)
        // A deployment meant to fail to load has no manifest; the fixture's stands in for listing.
        let manifest = try (try? ModelArtifact.manifest(at: deployment.path)) ?? ModelArtifact.manifest(at: ModelFixture.artifact)
        var logger = Logger(label: "test") { label in logHandler ?? SwiftLogNoOpLogHandler(label) }
        logger.logLevel = .info
        let served =
            [ServedModel(deployment: deployment, manifest: manifest)]
            + remotes.map { ServedModel(remote: $0.deployment, client: $0.model) }
        if versions.isEmpty {
            releases = nil
        } else {
            let releases = ReleaseController(
                store: store, versions: [deployment.name: versions], defaultPolicy: releasePolicy,
                metrics: ReleaseMetrics(factory: metrics.factory), logger: logger)
            try await releases.prepare()
            self.releases = releases
        }
        gateway = Gateway(
            registry: registry, models: served, store: store, releases: releases, routes: routes, limits: limits, cors: cors,
            logger: logger, metrics: metrics, clock: clock)
        if ready { gateway.markReady() }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = try HummingbirdHost.server(
            gateway: gateway, host: "127.0.0.1", port: 0, connectionLimits: connectionLimits, logger: logger
        ) { port in
            continuation.yield(port)
        }
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        self.group = group
        task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        self.port = port
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 128
        configuration.timeoutIntervalForRequest = 30
        session = URLSession(configuration: configuration)
    }

    deinit {
        task.cancel()
        try? FileManager.default.removeItem(at: databaseDirectory)
    }

    /// Shuts down as on SIGTERM: refuse new requests, finish in-flight ones, return.
    func shutDownGracefully() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// Starts shutting down as on SIGTERM and returns at once.
    func beginShutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// A key on a new plan with the given limits.
    func key(quota: String? = "10000/month", rate: Double = 1000, burst: Int = 1000) async throws -> String {
        let name = "plan-\(UUID().uuidString.prefix(8))"
        try await store.createPlan(
            try UsagePlan(name: name, quota: quota.map { try Quota(parsing: $0) }, rate: rate, burst: burst))
        return try await store.createKey(name: "test", plan: name).secret
    }

    func request(
        _ method: String, _ path: String, key: String? = nil, headers: [String: String] = [:], json: String? = nil,
        body: Data? = nil
    ) async throws -> Response {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let key { request.setValue(key, forHTTPHeaderField: "x-api-key") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        if let body { request.httpBody = body }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)"] = "\(value)" }
        return Response(status: http.statusCode, headers: fields, body: data)
    }

    func classify(_ text: String, key: String) async throws -> Response {
        try await request("POST", "/v1/models/hate-speech/classify", key: key, json: #"{"text": \#(Self.quoted(text))}"#)
    }

    static func quoted(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
}
