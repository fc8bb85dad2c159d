import Foundation
import Storage
import Testing

/// What every store promises about model releases: a write lands only on the revision it
/// read, so replicas deciding at once never lose each other's decisions.
@Suite struct ReleaseStoreContractTests {
    typealias Kind = KeyStoreContractTests.Kind

    @Test(arguments: Kind.allCases) func aReleaseRoundTripsAndAStaleWriteIsRefused(_ kind: Kind) async throws {
        try await KeyStoreContractTests.withStore(kind) { store in
            let model = "m-\(UUID().uuidString.prefix(8))"
            #expect(try await store.release(of: model) == nil)
            var release = ModelRelease(model: model, stable: 1)
            release.canary = .init(version: 2, weight: 10, stepStartedAt: Date(timeIntervalSince1970: 1_700_000_000))
            release.record(
                .init(
                    at: Date(timeIntervalSince1970: 1_700_000_000), action: .canaryStarted, version: 2, automatic: false,
                    reason: "by hand"))
            let first = try #require(try await store.saveRelease(release))
            #expect(first.revision == 1)
            #expect(try await store.release(of: model) == first)
            // A second writer that read nothing, or revision 0, loses.
            #expect(try await store.saveRelease(release) == nil)
            var next = first
            next.makeStable(2)
            next.record(
                .init(at: Date(), action: .promoted, version: 2, automatic: true, reason: "passed", figures: ["p99_ratio": 1.1]))
            let second = try #require(try await store.saveRelease(next))
            #expect(second.revision == 2 && second.stable == 2 && second.canary == nil && second.previousStables == [1])
            #expect(try await store.saveRelease(first) == nil)
            let stored = try #require(try await store.release(of: model))
            #expect(stored.decisions.map(\.action) == [.canaryStarted, .promoted])
            #expect(stored.decisions.last?.figures == ["p99_ratio": 1.1])
            #expect(try await store.releases().contains(stored))
        }
    }

    @Test(arguments: Kind.allCases) func concurrentUpdatesAreAllApplied(_ kind: Kind) async throws {
        try await KeyStoreContractTests.withStore(kind) { store in
            let model = "m-\(UUID().uuidString.prefix(8))"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        _ = try await store.updateRelease(of: model, initial: ModelRelease(model: model, stable: 1)) {
                            (release: inout ModelRelease) throws(StorageError) in
                            release.record(
                                .init(
                                    at: Date(), action: .steppedUp, version: writer, automatic: true, reason: "writer \(writer)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stored = try #require(try await store.release(of: model))
            #expect(stored.revision == 8)
            #expect(Set(stored.decisions.map(\.version)) == Set(0..<8))
        }
    }
}
