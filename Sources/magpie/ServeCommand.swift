import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import Logging
import ModelRuntime
import ServiceLifecycle
import Storage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve every model artifact under --models over HTTP, behind API keys and usage plans."
    )

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one (printed at start).") var port = 8080
    @Option(help: "The directory whose artifact folders are served, each by its model name.") var models = "models"
    @OptionGroup var databaseOptions: DatabaseOptions
    @Option(help: "Seconds without requests after which a model is unloaded; 0 never unloads.")
    var idleTimeout = 900
    @Flag(help: "Load every model at start instead of on its first request; /ready answers 503 until then.")
    var provisioned = false
    @Option(help: "Requests one model computes at once; more wait in a queue.") var maxConcurrency = 64
    @Option(help: "Requests that may wait per model; more get 503.") var maxQueue = 256
    @Option(help: "Largest request body in bytes (413 above).") var maxBodyBytes = 64 * 1024
    @Option(help: "Comma-separated origins allowed by CORS; * for any.") var allowedOrigins = "*"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout must be 0 or more seconds") }
        guard maxConcurrency >= 1 else { throw ValidationError("--max-concurrency must be at least 1") }
        guard maxQueue >= 0 else { throw ValidationError("--max-queue must be 0 or more") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        let logger = Logger(label: "magpie")
        let store = try databaseOptions.open()
        let defaults = ModelDeployment(
            name: "", path: "", idleTimeout: idleTimeout == 0 ? nil : .seconds(idleTimeout), provisioned: provisioned,
            maxConcurrency: maxConcurrency, maxQueue: maxQueue)
        let catalog = try ModelCatalog.discover(in: models, defaults: defaults)
        guard !catalog.isEmpty else {
            throw ValidationError("no model artifacts under \(models); train one with `magpie train --output \(models)/NAME`")
        }
        let registry = try ModelRegistry(deployments: catalog.map(\.deployment))
        let gateway = Gateway(
            registry: registry, manifests: Dictionary(uniqueKeysWithValues: catalog.map { ($0.deployment.name, $0.manifest) }),
            store: store, limits: GatewayLimits(maxBodyBytes: maxBodyBytes),
            cors: CORSPolicy(
                allowedOrigins: allowedOrigins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }),
            logger: logger)
        let host = self.host
        let names = catalog.map(\.deployment.name).joined(separator: ", ")
        let application = HummingbirdHost.application(
            gateway: gateway, host: host, port: port, services: [ModelLifecycleService(registry: registry, gateway: gateway)],
            logger: logger
        ) { port in
            logger.info("listening", metadata: ["address": "http://\(host):\(port)", "models": "\(names)"])
        }
        try await application.runService()
    }
}

/// Loads provisioned models, then marks the gateway ready and unloads idle models until the
/// server shuts down.
struct ModelLifecycleService: Service {
    let registry: ModelRegistry
    let gateway: Gateway

    func run() async throws {
        try await registry.loadProvisioned()
        gateway.markReady()
        await cancelWhenGracefulShutdown { await registry.runIdleUnloader() }
    }
}
