import ArgumentParser
import Foundation
import Gateway
import Logging
import Retraining
import ServerAssembly
import ServiceLifecycle
import Storage
import StorageBackends

/// `magpie watch`: the retraining of `magpie serve` without the server, for a training
/// machine beside the serving replicas. Versions it publishes start as canaries in the shared
/// store; the servers find them in the model folder at their next refresh.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Retrain models when new datasets land in their retrain sources (the config's models.NAME.retrain).")

    @Option(help: "The YAML file whose models have retrain: sections.") var config: String
    @OptionGroup var databaseOptions: DatabaseOptions
    @Flag(help: "Take up every dataset now in the sources, one after another, then exit.") var once = false

    func run() async throws {
        var configuration = ServeConfiguration()
        try configuration.apply(file: config)
        try configuration.apply(environment: ProcessInfo.processInfo.environment)
        if let database = databaseOptions.database { configuration.database = database }
        let logLevel = configuration.logLevel
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: logLevel) }
        let logger = Logger(label: "magpie")
        guard !configuration.retrainPolicies.isEmpty else {
            throw ValidationError("\(config): no model has a retrain: section")
        }
        let store = try await StoreLocation(parsing: configuration.database).open(logger: logger)
        let retrainers = try Retrainers.make(
            configuration, models: try ServedModels.resolve(configuration), store: store,
            environment: ProcessInfo.processInfo.environment, logger: logger)
        if once {
            for retrainer in retrainers {
                while let record = await retrainer.poll() {
                    print(
                        "\(retrainer.model): \(record.name) \(record.status.rawValue)\(record.version.map { " as version \($0)" } ?? "")\(record.reason.map { ": \($0)" } ?? "")"
                    )
                    // A published version waits as a canary; the next dataset waits for its decision.
                    if record.status == .published { break }
                }
            }
        } else {
            try await ServiceGroup(
                services: [RetrainingService(retrainers: retrainers)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ).run()
        }
        await store.close()
    }
}

/// Runs every retrainer until a graceful shutdown.
struct RetrainingService: Service {
    let retrainers: [Retrainer]

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for retrainer in retrainers { group.addTask { await retrainer.run() } }
            }
        }
    }
}
