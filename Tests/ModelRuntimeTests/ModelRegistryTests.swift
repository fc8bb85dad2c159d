import Classifiers
import Clocks
import Foundation
import MagpieTestSupport
import ModelRuntime
import Synchronization
import Testing

@Suite struct ModelRegistryTests {
    /// Counts loads of the real artifact, optionally slowed so requests pile up on one load.
    final class CountingLoader: Sendable {
        let loads = Atomic<Int>(0)
        let delay: Duration

        init(delay: Duration = .zero) { self.delay = delay }

        var loader: ModelRegistry.Loader {
            { deployment in
                self.loads.add(1, ordering: .relaxed)
                try await Task.sleep(for: self.delay)
                return try ArtifactModel.load(from: deployment.path)
            }
        }
    }

    static let context = InvocationContext(requestID: "test")

    static func deployment(idleTimeout: Duration? = nil, maxConcurrency: Int = 64, maxQueue: Int = 256) -> ModelDeployment {
        ModelDeployment(
            name: "hate-speech", path: ModelFixture.artifact, idleTimeout: idleTimeout, maxConcurrency: maxConcurrency,
            maxQueue: maxQueue)
    }

    @Test func discoversArtifactsByManifestName() throws {
        let entries = try ModelCatalog.discover(in: ModelFixture.directory)
        #expect(entries.map(\.deployment.name) == ["hate-speech"])
        #expect(entries[0].deployment.path == ModelFixture.artifact)
        #expect(entries[0].manifest?.labels.map(\.name) == ["Hate Speech", "Offensive Language", "Neither"])
    }

    @Test func concurrentFirstRequestsShareOneLoad() async throws {
        let counter = CountingLoader(delay: .milliseconds(200))
        let registry = try ModelRegistry(deployments: [Self.deployment()], loader: counter.loader)
        #expect(registry.state(of: "hate-speech") == .cold)
        let usages = try await withThrowingTaskGroup(of: ModelRegistry.Usage.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    try await registry.classify(["you are a bitch"], with: "hate-speech", context: Self.context).usage
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counter.loads.load(ordering: .relaxed) == 1)
        #expect(usages.allSatisfy { $0.coldStart && $0.loadDuration != nil })
        #expect(usages.filter(\.startedLoad).count == 1)
        #expect(registry.state(of: "hate-speech") == .warm)
        let warm = try await registry.classify(["hello there"], with: "hate-speech", context: Self.context)
        #expect(!warm.usage.coldStart && warm.answer.predictions.count == 1)
    }

    @Test func predictsWhatTheArtifactPredicts() async throws {
        let registry = try ModelRegistry(deployments: [Self.deployment()])
        let texts = ["you are a bitch", "what a lovely morning", "those people are trash"]
        let served = try await registry.classify(texts, with: "hate-speech", context: Self.context).answer
        let direct = try #require(try ModelArtifact.load(from: ModelFixture.artifact).textClassifier)
        #expect(served.predictions.map(\.probabilities) == texts.map { direct.predict($0).probabilities })
        #expect(served.truncated == [false, false, false] && served.computing != nil && served.upstream == nil)
    }

    @Test func unloadsWhenIdleAndReloadsOnTheNextRequest() async throws {
        let counter = CountingLoader()
        let clock = TestClock()
        let registry = try ModelRegistry(
            deployments: [Self.deployment(idleTimeout: .seconds(60))], loader: counter.loader, clock: AnyClock(clock))
        _ = try await registry.withModel("hate-speech") { _ in () }
        await clock.advance(by: .seconds(59))
        #expect(registry.unloadIdle().isEmpty)
        await clock.advance(by: .seconds(1))
        #expect(registry.unloadIdle() == ["hate-speech"])
        #expect(registry.state(of: "hate-speech") == .cold)
        let again = try await registry.withModel("hate-speech") { _ in () }
        #expect(again.usage.coldStart)
        #expect(counter.loads.load(ordering: .relaxed) == 2)
    }

    @Test func aModelInUseIsNotUnloaded() async throws {
        let registry = try ModelRegistry(deployments: [Self.deployment(idleTimeout: .zero)])
        _ = try await registry.withModel("hate-speech") { _ in
            #expect(registry.unloadIdle().isEmpty)
        }
        #expect(registry.unloadIdle() == ["hate-speech"])
    }

    @Test func beyondConcurrencyAndQueueRequestsAreRefused() async throws {
        let registry = try ModelRegistry(deployments: [Self.deployment(maxConcurrency: 2, maxQueue: 3)])
        _ = try await registry.withModel("hate-speech") { _ in () }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        _ = try await registry.withModel("hate-speech") { _ in try await Task.sleep(for: .milliseconds(300)) }
                        return "served"
                    } catch let error as ModelRuntimeError {
                        return error == .overloaded(model: "hate-speech", retryAfterSeconds: 1) ? "overloaded" : "\(error)"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(outcomes == ["served": 5, "overloaded": 5])
    }

    @Test func unknownModelsAndFailedLoadsAreNamed() async throws {
        let broken = ModelDeployment(name: "broken", path: "/nonexistent/model")
        let registry = try ModelRegistry(deployments: [Self.deployment(), broken])
        await #expect(throws: ModelRuntimeError.unknownModel("sentiment", known: ["broken", "hate-speech"])) {
            try await registry.withModel("sentiment") { _ in () }
        }
        await #expect {
            try await registry.withModel("broken") { _ in () }
        } throws: { error in
            guard case .loadFailed(let model, let reason) = error as? ModelRuntimeError else { return false }
            return model == "broken" && reason.contains("/nonexistent/model")
        }
        #expect(registry.state(of: "broken") == .cold)
        #expect(throws: ModelRuntimeError.duplicateModel("hate-speech")) {
            try ModelRegistry(deployments: [Self.deployment(), Self.deployment()])
        }
    }
}
