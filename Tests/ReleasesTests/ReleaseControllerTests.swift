import CoreMetrics
import Foundation
import Logging
import Releases
import Storage
import Testing

/// Version choice and decisions on a store shared by two controllers, as two replicas share one.
@Suite struct ReleaseControllerTests {
    static func controller(_ store: any ReleaseStore, policy: ReleasePolicy = ReleasePolicy()) -> ReleaseController {
        ReleaseController(
            store: store, versions: ["m": [1, 2, 3]], defaultPolicy: policy,
            metrics: ReleaseMetrics(factory: NOOPMetricsHandler.instance), logger: Logger(label: "test"))
    }

    @Test func aCanarysShareIsItsWeightAndStickyPerKey() async throws {
        let store = MemoryStore()
        let controller = Self.controller(store)
        try await controller.prepare()
        _ = try await store.promote(model: "m", version: 1, versions: [1, 2, 3])
        _ = try await store.startCanary(model: "m", version: 3, weight: 10, versions: [1, 2, 3])
        await controller.refresh()
        let keys = (0..<10_000).map { "key-\($0)-\(UUID().uuidString.prefix(6))" }
        var atTen: Set<String> = []
        for key in keys where try controller.choose(model: "m", stickyKey: key, pinned: nil)!.isCanary { atTen.insert(key) }
        let share = Double(atTen.count) / Double(keys.count)
        #expect(abs(share - 0.10) <= 0.02, "share \(share)")
        // The same key always gets the same side.
        for key in keys.prefix(500) {
            let sides = Set((0..<5).map { _ in try! controller.choose(model: "m", stickyKey: key, pinned: nil)!.version })
            #expect(sides.count == 1)
        }
        // Stepping up keeps every key already on the canary there.
        _ = try await store.updateRelease(of: "m", initial: ModelRelease(model: "m", stable: 1)) {
            (release: inout ModelRelease) throws(StorageError) in release.canary?.weight = 30
        }
        await controller.refresh()
        var atThirty = 0
        for key in keys where try controller.choose(model: "m", stickyKey: key, pinned: nil)!.isCanary { atThirty += 1 }
        #expect(abs(Double(atThirty) / Double(keys.count) - 0.30) <= 0.02)
        #expect(try atTen.allSatisfy { try controller.choose(model: "m", stickyKey: $0, pinned: nil)!.isCanary })
        // Without keys, requests are drawn at random with the same share.
        var unkeyed = 0
        for _ in 0..<10_000 where try controller.choose(model: "m", stickyKey: nil, pinned: nil)!.isCanary { unkeyed += 1 }
        #expect(abs(Double(unkeyed) / 10_000 - 0.30) <= 0.02)
        #expect(try controller.choose(model: "m", stickyKey: "x", pinned: "2") == .init(version: 2, isCanary: false, stable: 1))
        #expect(throws: ReleaseError.unknownVersion(model: "m", version: "7", known: [1, 2, 3])) {
            try controller.choose(model: "m", stickyKey: "x", pinned: "7")
        }
        #expect(try controller.choose(model: "other", stickyKey: "x", pinned: nil) == nil)
    }

    @Test func theFirstReplicaRecordsTheNewestVersionAsStableAndTheOthersAgree() async throws {
        let store = MemoryStore()
        let first = Self.controller(store)
        let second = Self.controller(store)
        try await first.prepare()
        try await second.prepare()
        #expect(try await store.release(of: "m")?.revision == 1)
        #expect(first.summary(of: "m")?.release.stable == 3 && second.summary(of: "m")?.release.stable == 3)
    }

    @Test func oneReplicasRollbackAppliesToTheOther() async throws {
        let store = MemoryStore()
        var policy = ReleasePolicy()
        policy.earlyRequests = 5
        let judge = Self.controller(store, policy: policy)
        let other = Self.controller(store, policy: policy)
        try await judge.prepare()
        try await other.prepare()
        _ = try await store.startCanary(model: "m", version: 2, weight: 50, versions: [1, 2, 3])
        await judge.refresh()
        await other.refresh()
        for _ in 0..<10 {
            judge.recordAnswer(model: "m", version: 3, labels: ["a"], scores: [0.9], latency: .milliseconds(1))
            judge.recordError(model: "m", version: 2)
        }
        // The other replica saw nothing wrong and decides nothing.
        await other.analyze()
        #expect(try await store.release(of: "m")?.canary != nil)
        await judge.analyze()
        let release = try #require(try await store.release(of: "m"))
        #expect(release.canary == nil && release.decisions.last?.action == .rolledBack)
        #expect(release.decisions.last?.figures["canary_error_rate"] == 1)
        await other.refresh()
        #expect(try other.choose(model: "m", stickyKey: "k", pinned: nil)?.version == 3)
        #expect(other.summary(of: "m")?.release == release)
    }

    @Test func aStaleJudgementIsDroppedForTheNewerRelease() async throws {
        let store = MemoryStore()
        var policy = ReleasePolicy()
        policy.earlyRequests = 1
        let judge = Self.controller(store, policy: policy)
        try await judge.prepare()
        _ = try await store.startCanary(model: "m", version: 2, weight: 50, versions: [1, 2, 3])
        await judge.refresh()
        judge.recordError(model: "m", version: 2)
        judge.recordAnswer(model: "m", version: 3, labels: ["a"], scores: [0.9], latency: .milliseconds(1))
        // A person promotes 2 meanwhile; the judge's rollback of the canary it saw must not land.
        _ = try await store.promote(model: "m", version: 2, versions: [1, 2, 3])
        await judge.analyze()
        let release = try #require(try await store.release(of: "m"))
        #expect(release.stable == 2 && release.decisions.last?.action == .promoted && !release.decisions.last!.automatic)
        #expect(judge.summary(of: "m")?.release == release)
    }

    /// The validation each artifact recorded is read through the controller's provider, once
    /// per version: a canary that validated far below stable is rolled back before traffic.
    @Test func aCanaryThatValidatedFarBelowStableIsRolledBackBeforeAnyTraffic() async throws {
        let store = MemoryStore()
        let reads = ReadCount()
        let controller = ReleaseController(
            store: store, versions: ["m": [1, 2, 3]], metrics: ReleaseMetrics(factory: NOOPMetricsHandler.instance),
            logger: Logger(label: "test"),
            validationMacroF1: { _, version in
                reads.increment()
                return version == 2 ? 0.31 : 0.78
            })
        try await controller.prepare()
        _ = try await store.startCanary(model: "m", version: 2, weight: 10, versions: [1, 2, 3])
        await controller.refresh()
        await controller.analyze()
        await controller.analyze()
        let release = try #require(try await store.release(of: "m"))
        #expect(release.canary == nil && release.decisions.last?.action == .rolledBack)
        #expect(release.decisions.last?.reason.hasPrefix("its own validation macro F1 0.31 against stable's 0.78") == true)
        #expect(reads.value == 2)
    }

    final class ReadCount: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
