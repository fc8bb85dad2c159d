import Foundation
import Gateway
import Logging
import MagpieTestSupport
import ModelRuntime
import ServerAssembly
import Testing

/// The configuration file, the environment and the assembled gateway, in this process: what
/// `magpie serve` and `magpie lambda` read, without spawning either.
@Suite struct ServeConfigurationTests {
    /// Writes `text` to a new file and returns its path.
    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func configuration(_ text: String) throws -> ServeConfiguration {
        var configuration = ServeConfiguration()
        try configuration.apply(file: try file(text))
        return configuration
    }

    @Test func aFullFileIsReadIntoEachSetting() throws {
        let configuration = try Self.configuration(
            """
            server:
              port: 9090
              database: "postgres://magpie:secret@db:5432/magpie"
              max_body_bytes: 4096
              fail_open: true
              remembered_answers: 500
              failed_keys: {burst: 5, per_minute: 2}
              timeouts: {head: 3, keep_alive: 20, shutdown: 4}
            models:
              hate-speech:
                path: \(ModelFixture.artifact)
                idle_timeout: 0
                max_concurrency: 2
                max_queue: 3
              sentiment:
                sagemaker: {endpoint: distilbert-imdb, region: eu-west-1}
                timeout: 12
                circuit_breaker: {failures: 2, cooldown: 7}
                fallback: hate-speech
            routes:
              assistant:
                json_field: task
                choices: {hate: hate-speech, mood: sentiment}
                default: hate
            plans:
              demo: {quota: 100/day, rate: 5, burst: 10}
            """)
        #expect(configuration.port == 9090 && configuration.database.hasPrefix("postgres://"))
        #expect(configuration.limits.maxBodyBytes == 4096 && configuration.failOpen)
        #expect(configuration.limits.rememberedAnswers == 500)
        #expect(configuration.limits.failedKeyBurst == 5 && configuration.limits.failedKeysPerMinute == 2)
        #expect(configuration.connectionLimits.headTimeout == .seconds(3))
        #expect(configuration.connectionLimits.keepAliveTimeout == .seconds(20))
        #expect(configuration.connectionLimits.shutdownTimeout == .seconds(4))
        let local = try #require(configuration.models.first { $0.name == "hate-speech" })
        #expect(local.idleTimeout == nil && local.maxConcurrency == 2 && local.maxQueue == 3 && local.remote == nil)
        let remote = try #require(configuration.models.first { $0.name == "sentiment" })
        #expect(remote.remote?.target == .sageMaker(endpoint: "distilbert-imdb", region: "eu-west-1"))
        #expect(remote.remote?.timeout == .seconds(12) && remote.remote?.breakerFailures == 2)
        #expect(remote.remote?.breakerCooldown == .seconds(7) && remote.fallback == "hate-speech")
        let route = try #require(configuration.routes.first)
        #expect(route.selector == .jsonField("task") && route.choices["mood"] == "sentiment" && route.defaultChoice == "hate")
        #expect(configuration.plans.map(\.name) == ["demo"] && configuration.plans[0].burst == 10)
    }

    /// A typo fails at start, naming the file, the line and the key's dotted path.
    @Test func unknownKeysAndWrongValuesNameTheirLineAndKey() throws {
        let typo = try Self.file("models:\n  hate-speech:\n    path: x\n    max_queu: 3\n")
        var configuration = ServeConfiguration()
        let error = try #require(throws: ConfigurationError.self) { try configuration.apply(file: typo) }
        #expect(error.description.hasPrefix("\(typo):4: models.hate-speech.max_queu: unknown key"), "\(error)")
        let range = try Self.file("server:\n  port: 70000\n")
        let outOfRange = try #require(throws: ConfigurationError.self) { try configuration.apply(file: range) }
        #expect(outOfRange.description.hasPrefix("\(range):2: server.port:"), "\(outOfRange)")
    }

    @Test func routesAndFallbacksMustNameServedModels() throws {
        #expect(throws: ConfigurationError.self) {
            try Self.configuration(
                """
                models:
                  a: {path: x, fallback: b}
                """)
        }
        #expect(throws: ConfigurationError.self) {
            try Self.configuration(
                """
                models:
                  a: {path: x}
                routes:
                  r: {header: X-Task, choices: {one: missing}}
                """)
        }
    }

    /// The environment overrides the file, and a bad value names its variable.
    @Test func theEnvironmentOverridesTheFile() throws {
        var configuration = try Self.configuration("server:\n  port: 9090\n  database: file.sqlite\n")
        try configuration.apply(environment: ["MAGPIE_PORT": "9191", "MAGPIE_DATABASE": "memory://"])
        #expect(configuration.port == 9191 && configuration.database == "memory://")
        #expect(throws: (any Error).self) { try configuration.apply(environment: ["MAGPIE_PORT": "port"]) }
    }
}

/// `models.NAME.batching`: on by default, off with `false`, bounded by a mapping, and a
/// typo in it named like any other.
@Suite struct BatchingConfigurationTests {
    @Test func batchingIsOnByDefaultOffWithFalseAndBoundedByAMapping() throws {
        let configuration = try ServeConfigurationTests.configuration(
            """
            models:
              plain: {path: a}
              alone: {path: b, batching: false}
              bounded: {path: c, batching: {max_batch: 8, max_tokens: 1024, max_queue_time: 0.25}}
              explicit: {path: d, batching: true}
            """)
        let byName = Dictionary(uniqueKeysWithValues: configuration.models.map { ($0.name, $0.batching) })
        #expect(byName["plain"] == .some(BatchingPolicy()))
        #expect(byName["alone"] == .some(nil))
        #expect(byName["bounded"] == .some(BatchingPolicy(maxTexts: 8, maxTokens: 1024, maxQueueTime: .milliseconds(250))))
        #expect(byName["explicit"] == .some(BatchingPolicy()))
    }

    @Test func aTypoInBatchingNamesItsKey() throws {
        let typo = try ServeConfigurationTests.file("models:\n  m:\n    path: x\n    batching: {max_batchh: 3}\n")
        var configuration = ServeConfiguration()
        let error = try #require(throws: ConfigurationError.self) { try configuration.apply(file: typo) }
        #expect(error.description.contains("models.m.batching.max_batchh: unknown key"), "\(error)")
    }
}
