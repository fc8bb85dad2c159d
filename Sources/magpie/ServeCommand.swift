import ArgumentParser
import Classifiers
import Console
import Foundation
import Gateway
import GatewayHost
import Hummingbird
import Logging
import ModelRuntime
import Releases
import Retraining
import ServerAssembly
import ServiceLifecycle
import Storage
import StorageBackends

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve model artifacts over HTTP, behind API keys and usage plans.",
        discussion: """
            Without --config, serves every artifact under --models by its model name. Settings come \
            from defaults, then the --config file, then MAGPIE_* environment variables, then flags.
            """
    )

    @Option(help: "A YAML file declaring server settings, models, routes and usage plans.") var config: String?
    @Option(help: "The address to listen on (default 127.0.0.1; env MAGPIE_HOST).") var host: String?
    @Option(help: "The port to listen on; 0 picks a free one (default 8080; env MAGPIE_PORT).") var port: Int?
    @Option(help: "The directory whose artifact folders are served (default models; env MAGPIE_MODELS).") var models: String?
    @Option(help: "The SQLite file with keys, plans and usage (default magpie.sqlite; env MAGPIE_DATABASE).")
    var database: String?
    @Option(help: "Seconds without requests after which a model is unloaded; 0 never (default 900).") var idleTimeout: Int?
    @Flag(help: "Load every model at start instead of on its first request; /ready answers 503 until then.")
    var provisioned = false
    @Option(help: "Requests one model computes at once (default 64).") var maxConcurrency: Int?
    @Option(help: "Requests that may wait per model; more get 503 (default 256).") var maxQueue: Int?
    @Option(help: "Largest request body in bytes (default 65536; env MAGPIE_MAX_BODY_BYTES).") var maxBodyBytes: Int?
    @Option(help: "Comma-separated origins allowed by CORS, * for any (default *; env MAGPIE_ALLOWED_ORIGINS).")
    var allowedOrigins: String?
    @Option(
        help:
            "trace, debug, info, notice, warning, error or critical; notice keeps start and stop but drops per-request lines (default info; env MAGPIE_LOG_LEVEL)."
    )
    var logLevel: String?
    @Option(help: "A PEM certificate chain: serve HTTPS (HTTP/2 and HTTP/1.1) with it; reloaded on SIGHUP. Needs --tls-key.")
    var tlsCert: String?
    @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Flag(
        help:
            "Also serve SageMaker's hosting contract: GET /ping (200 once every model is loaded) and POST /invocations without keys, for a SageMaker endpoint's container (docs/containers.md)."
    )
    var sagemaker = false
    @Flag(help: "Do not serve the web console at /console (served by default; docs/console.md).") var noConsole = false

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together; give both") }
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if let idleTimeout, idleTimeout < 0 { throw ValidationError("--idle-timeout must be 0 or more seconds") }
        if let maxConcurrency, maxConcurrency < 1 { throw ValidationError("--max-concurrency must be at least 1") }
        if let maxQueue, maxQueue < 0 { throw ValidationError("--max-queue must be 0 or more") }
        if let maxBodyBytes, maxBodyBytes < 1024 { throw ValidationError("--max-body-bytes must be at least 1024") }
        if let logLevel, ServeConfiguration.logLevel(logLevel) == nil {
            throw ValidationError("--log-level: \(ServeConfiguration.logLevelExpectation)")
        }
    }

    /// Defaults, then the file, then the environment, then flags.
    func resolvedConfiguration() throws -> ServeConfiguration {
        var configuration = ServeConfiguration()
        if let config { try configuration.apply(file: config) }
        try configuration.apply(environment: ProcessInfo.processInfo.environment)
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let models { configuration.modelsDirectory = models }
        if let database { configuration.database = database }
        if let maxBodyBytes { configuration.limits.maxBodyBytes = maxBodyBytes }
        if noConsole { configuration.console = false }
        if let tlsCert, let tlsKey { configuration.tls = (tlsCert, tlsKey) }
        if let logLevel, let level = ServeConfiguration.logLevel(logLevel) { configuration.logLevel = level }
        if let allowedOrigins {
            configuration.allowedOrigins = allowedOrigins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return configuration
    }

    /// The flags' per-model settings, applied over whatever the file said; idle unloading and
    /// provisioning apply to artifacts only.
    func applyFlags(to deployment: ModelDeployment) -> ModelDeployment {
        var deployment = deployment
        if let maxConcurrency { deployment.maxConcurrency = maxConcurrency }
        if let maxQueue { deployment.maxQueue = maxQueue }
        guard deployment.remote == nil else { return deployment }
        if let idleTimeout { deployment.idleTimeout = idleTimeout == 0 ? nil : .seconds(idleTimeout) }
        if provisioned || sagemaker { deployment.provisioned = true }
        return deployment
    }

    func run() async throws {
        AllocatorTuning.applyForServing()
        let configuration = try resolvedConfiguration()
        let logLevel = configuration.logLevel
        // A line per request, written in batches: no system call on each request's path.
        let logOutput = BufferedLogOutput()
        defer { logOutput.flush() }
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: logLevel, output: .buffered(logOutput)) }
        let logger = Logger(label: "magpie")
        // Read first: a bad certificate stops the server before anything else starts.
        let certificate = try configuration.tls.map { files throws(TLSSetupError) in
            try ReloadableCertificate(certificatePath: files.certificate, keyPath: files.key)
        }
        let store = try await StoreLocation(parsing: configuration.database).open(logger: logger)
        for plan in configuration.plans { try await store.savePlan(plan) }
        let served = try ServedModels.resolve(configuration).map { model in
            var model = model
            model.deployment = applyFlags(to: model.deployment)
            return model
        }
        // One model answers /invocations by default; with several, each request names one.
        let sageMakerContract =
            sagemaker ? SageMakerContract(defaultModel: served.count == 1 ? served[0].deployment.name : nil) : nil
        let assembly = try GatewayAssembly(
            configuration: configuration, models: served, store: store, environment: ProcessInfo.processInfo.environment,
            logger: logger, sageMaker: sageMakerContract)
        try await assembly.releases.prepare()
        let (gateway, registry, releases) = (assembly.gateway, assembly.registry, assembly.releases)
        let retrainers = try Retrainers.make(
            configuration, models: served, store: store, environment: ProcessInfo.processInfo.environment, logger: logger,
            registry: registry, releases: releases)
        let host = configuration.host
        let names = served.map(\.deployment.name).joined(separator: ", ")
        let reloads = certificate.map { CertificateReloadOnHangup(certificate: $0, logger: logger) }
        let scheme = certificate == nil ? "http" : "https"
        // A SageMaker container answers SageMaker's contract only; an operator has no browser there.
        let handler: any RequestHandler =
            configuration.console && !sagemaker
            ? Console(gateway: gateway, store: store, secureCookies: certificate != nil, logger: logger) : gateway
        let server = try HummingbirdHost.server(
            gateway: handler, host: host, port: configuration.port, connectionLimits: configuration.connectionLimits,
            tls: certificate,
            services: [
                ModelLifecycleService(registry: registry, releases: releases, retrainers: retrainers, gateway: gateway)
            ],
            logger: logger
        ) { port in
            logger.notice("listening", metadata: ["address": "\(scheme)://\(host):\(port)", "models": "\(names)"])
        }
        defer { reloads?.cancel() }
        do {
            try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// Loads provisioned models, then marks the gateway ready; until the server shuts down,
/// unloads idle models, follows model releases (refresh, canary analysis) and retrains models
/// whose sources receive new datasets.
struct ModelLifecycleService: Service {
    let registry: ModelRegistry
    let releases: ReleaseController
    let retrainers: [Retrainer]
    let gateway: Gateway

    func run() async throws {
        try await registry.loadProvisioned()
        gateway.markReady()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await registry.runIdleUnloader() }
                group.addTask { await releases.run() }
                for retrainer in retrainers { group.addTask { await retrainer.run() } }
            }
        }
    }
}
