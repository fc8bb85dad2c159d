import ArgumentParser
import Digests
import Foundation
import Gateway
import LambdaRuntime
import Logging
import ModelRuntime
import Retraining
import ServerAssembly
import Storage
import StorageBackends
import StorageSQLite

struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Run as an AWS Lambda custom runtime behind API Gateway (also when started as `bootstrap`).",
        discussion: """
            Answers API Gateway payload 1.0 (REST) and 2.0 (HTTP API, Function URL) events through \
            the same routes as `magpie serve`. Reads AWS_LAMBDA_RUNTIME_API and LAMBDA_TASK_ROOT, \
            which Lambda sets, and:
              MAGPIE_MODELS       artifact folders to serve (default $LAMBDA_TASK_ROOT/models)
              MAGPIE_CONFIG       a `magpie serve` YAML file (routes, models), relative to the task root
              MAGPIE_PROVISIONED  true loads every model during initialization instead of on first use
              MAGPIE_KEY_CHECK    on checks Magpie's own API keys (for HTTP APIs and Function URLs; \
            behind a REST API, API Gateway's keys and usage plans apply). Keys come from \
            MAGPIE_DATABASE (default $LAMBDA_TASK_ROOT/magpie.sqlite), copied to /tmp: usage \
            counters and token buckets are per execution environment.
              MAGPIE_ALLOWED_ORIGINS, MAGPIE_MAX_BODY_BYTES, MAGPIE_LOG_LEVEL as for `magpie serve`.
            """
    )

    func run() async throws {
        AllocatorTuning.applyForServing()
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["AWS_LAMBDA_RUNTIME_API"] else {
            throw ValidationError(
                "AWS_LAMBDA_RUNTIME_API is not set: `magpie lambda` runs inside AWS Lambda or against a Runtime API emulator")
        }
        let logLevel = environment["MAGPIE_LOG_LEVEL"].flatMap(ServeConfiguration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: logLevel) }
        let logger = Logger(label: "magpie")
        try await LambdaRuntime.run(endpoint: endpoint, logger: logger) {
            try await Self.handler(environment: environment, logger: logger)
        }
    }

    /// Everything a cold start does: configuration, keys, models (loaded now when
    /// provisioned, else on first use), and the gateway that every warm invocation reuses.
    static func handler(environment: [String: String], logger: Logger) async throws -> any LambdaHandler {
        let taskRoot = environment["LAMBDA_TASK_ROOT"] ?? FileManager.default.currentDirectoryPath
        func inTaskRoot(_ path: String) -> String { path.hasPrefix("/") ? path : taskRoot + "/" + path }
        var configuration = ServeConfiguration()
        configuration.modelsDirectory = "models"
        configuration.database = "magpie.sqlite"
        // A frozen execution environment runs no timers, so idle unloading would never fire.
        configuration.deploymentDefaults.idleTimeout = nil
        if let file = environment["MAGPIE_CONFIG"] { try configuration.apply(file: inTaskRoot(file)) }
        try configuration.apply(environment: environment)
        let bucket = try S3ModelMirror.make(configuration.modelsDirectory, environment: environment)
        if environment["MAGPIE_FUNCTION"] == "training" {
            return try await trainingHandler(configuration, models: bucket, environment: environment, logger: logger)
        }
        if let bucket {
            // Models from the bucket, copied to /tmp once per execution environment; loading
            // each checks its files' SHA-256 against its manifest.
            let local = NSTemporaryDirectory() + "magpie-models-" + sha256Hex(Data(configuration.modelsDirectory.utf8)).prefix(16)
            let fetched = try await bucket.download(to: local)
            logger.notice(
                "models copied from S3", metadata: ["source": "\(configuration.modelsDirectory)", "files": "\(fetched)"])
            configuration.modelsDirectory = local
        }
        configuration.modelsDirectory = inTaskRoot(configuration.modelsDirectory)
        configuration.models = configuration.models.map { model in
            var model = model
            if model.remote == nil { model.path = inTaskRoot(model.path) }
            return model
        }
        let provisioned = try flag("MAGPIE_PROVISIONED", in: environment, true: "true", false: "false")
        let keyCheck = try flag("MAGPIE_KEY_CHECK", in: environment, true: "on", false: "off")

        let served = try ServedModels.resolve(configuration).map { model in
            var model = model
            if provisioned && model.deployment.remote == nil { model.deployment.provisioned = true }
            return model
        }
        let store = keyCheck ? try await keyStore(configuration, inTaskRoot: inTaskRoot, logger: logger) : nil
        // Without key checks, a shared database still holds the releases the training function writes.
        var releaseStore: (any SharedStore)? = store
        switch try StoreLocation(parsing: configuration.database) {
        case .sqlite, .memory: break
        case let shared: if releaseStore == nil { releaseStore = try await shared.open(logger: logger, environment: environment) }
        }
        let assembly = try GatewayAssembly(
            configuration: configuration, models: served, store: store, releaseStore: releaseStore, environment: environment,
            logger: logger)
        let (gateway, registry) = (assembly.gateway, assembly.registry)
        try await assembly.releases.prepare()
        try await registry.loadProvisioned()
        gateway.markReady()
        logger.notice(
            "initialized",
            metadata: ["models": "\(served.map(\.deployment.name).joined(separator: ", "))", "key_check": "\(keyCheck)"])
        let serverErrors = environment["AWS_LAMBDA_FUNCTION_NAME"].map { ServerErrorMetric(functionName: $0) }
        return APIGatewayHandler(gateway: gateway, serverErrors: serverErrors)
    }

    /// The training function: `MAGPIE_MODELS` and `MAGPIE_DATASETS` (default: `datasets/` in the
    /// models bucket) in S3, and the shared store that the serving functions read releases from.
    static func trainingHandler(
        _ configuration: ServeConfiguration, models: S3ModelMirror?, environment: [String: String], logger: Logger
    ) async throws -> DatasetEventHandler {
        guard let models else {
            throw ValidationError(
                "MAGPIE_FUNCTION=training needs MAGPIE_MODELS=s3://BUCKET/models/, where versions are read and published")
        }
        let datasetsLocation = environment["MAGPIE_DATASETS"] ?? "s3://\(models.bucket)/datasets/"
        guard let datasets = try S3ModelMirror.make(datasetsLocation, environment: environment) else {
            throw ValidationError("MAGPIE_DATASETS=\(datasetsLocation): give s3://BUCKET/PREFIX")
        }
        let location = try StoreLocation(parsing: configuration.database)
        if case .sqlite = location {
            throw ValidationError(
                "MAGPIE_FUNCTION=training needs a shared MAGPIE_DATABASE (dynamodb://TABLE or postgres://…) for the releases the serving functions read"
            )
        }
        let store = try await location.open(logger: logger, environment: environment)
        logger.notice("initialized", metadata: ["function": "training", "models": "s3://\(models.bucket)/\(models.prefix)"])
        return DatasetEventHandler(
            models: models, datasets: datasets, store: store, policies: configuration.retrainPolicies, logger: logger)
    }

    /// The task root is read-only, so the key database is copied to /tmp, which lives as long
    /// as the execution environment: a runtime restarted in the same environment keeps its
    /// counts. The copy is named by the packaged file's digest, so a different database (a
    /// new deployment, another function on a developer's machine) never reuses a stale copy.
    /// A shared store (`postgres://…`) is opened as it is, so every execution environment
    /// counts against the same quota; a packaged SQLite file is copied to /tmp (below).
    static func keyStore(
        _ configuration: ServeConfiguration, inTaskRoot: (String) -> String, logger: Logger
    ) async throws -> any SharedStore {
        switch try StoreLocation(parsing: configuration.database) {
        case .sqlite(let path): return try await writableStore(copying: inTaskRoot(path), plans: configuration.plans)
        case let shared:
            let store = try await shared.open(logger: logger)
            for plan in configuration.plans { try await store.savePlan(plan) }
            return store
        }
    }

    static func writableStore(copying database: String, plans: [UsagePlan]) async throws -> SQLiteStore {
        guard let contents = FileManager.default.contents(atPath: database) else {
            throw ValidationError(
                "MAGPIE_KEY_CHECK is on but there is no key database at \(database); package one with `magpie package lambda --database`"
            )
        }
        let copy = NSTemporaryDirectory() + "magpie-keys-\(sha256Hex(contents).prefix(16)).sqlite"
        if !FileManager.default.fileExists(atPath: copy) { try contents.write(to: URL(fileURLWithPath: copy)) }
        let store = try SQLiteStore(path: copy)
        for plan in plans { try await store.savePlan(plan) }
        return store
    }

    static func flag(_ name: String, in environment: [String: String], true yes: String, false no: String) throws -> Bool {
        switch environment[name]?.lowercased() {
        case nil, no: return false
        case yes: return true
        case let value?: throw ValidationError("\(name) must be \(yes) or \(no), not '\(value)'")
        }
    }
}
