import Digests
import Foundation
import MagpieTestSupport
import Testing

@testable import Encoders

/// Loads the tiny BERT twice through a cache folder of its own: the second load maps the
/// layers the first one packed and saved, and computes exactly what packing afresh computes.
@Suite struct PackedWeightsCacheTests {
    let folder: URL
    let model: URL
    let digests: FileDigests
    let cache: PackedWeightsCache

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-packed-\(UUID().uuidString)")
        model = folder.appendingPathComponent("bert-tiny-cls")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try ReferenceFiles.testVector("bert-tiny-cls"), to: model)
        digests = FileDigests(directory: folder.appendingPathComponent("digests"), settleTime: .zero, smallestRemembered: 1)
        cache = PackedWeightsCache(folder: folder.appendingPathComponent("packed"), digests: digests)
    }

    var weightsPath: String { model.appendingPathComponent("model.safetensors").path }
    let sequences: [[Int32]] = [[101, 7592, 2088, 102], [101, 2023, 2003, 1037, 3231, 1012, 102]]

    func savedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.folder!.path)) ?? []).filter {
            $0.hasSuffix(".safetensors")
        }
    }

    static func mappedLayers(_ encoder: TransformerEncoder) -> [Bool] {
        encoder.weights.layers.flatMap { [$0.queryKeyValue, $0.attentionOutput, $0.intermediate, $0.output] }.map { linear in
            if case .float(_, let packed) = linear.weights { packed?.isMapped ?? false } else { false }
        }
    }

    @Test(.enabled(if: PackedWeights.isUsed)) func aSecondLoadMapsTheSavedLayersAndComputesTheSame() async throws {
        _ = try #require(digests.digest(ofFileAt: weightsPath))
        let first = try TransformerEncoder(directory: model, packedWeights: cache)
        #expect(Self.mappedLayers(first).allSatisfy { !$0 })
        let source = try #require(digests.rememberedDigest(ofFileAt: weightsPath)).sha256
        let name = source + ".safetensors"
        #expect(savedFiles() == [name])

        let second = try TransformerEncoder(directory: model, packedWeights: cache)
        #expect(Self.mappedLayers(second).allSatisfy { $0 })
        #expect(try second.hiddenStates(of: sequences).map(\.values) == first.hiddenStates(of: sequences).map(\.values))
        #expect(savedFiles() == [name])
    }

    @Test(.enabled(if: PackedWeights.isUsed)) func aChangedSavedFileIsPackedAgainNotUsed() async throws {
        _ = try #require(digests.digest(ofFileAt: weightsPath))
        let first = try TransformerEncoder(directory: model, packedWeights: cache)
        let path = cache.folder!.appendingPathComponent(try #require(savedFiles().first)).path
        try await Task.sleep(for: .milliseconds(20))
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: handle.seekToEnd() - 4)
        try handle.write(contentsOf: Data([0x7F, 0x7F, 0x7F, 0x7F]))
        try handle.close()

        let second = try TransformerEncoder(directory: model, packedWeights: cache)
        #expect(Self.mappedLayers(second).allSatisfy { !$0 })
        #expect(try second.hiddenStates(of: sequences).map(\.values) == first.hiddenStates(of: sequences).map(\.values))
        #expect(Self.mappedLayers(try TransformerEncoder(directory: model, packedWeights: cache)).allSatisfy { $0 })
    }

    /// A file this cache did not write, such as one copied in, has no entry saying it is
    /// unchanged since it was written.
    @Test(.enabled(if: PackedWeights.isUsed)) func aSavedFileWithoutItsEntryIsNotUsed() throws {
        _ = try #require(digests.digest(ofFileAt: weightsPath))
        _ = try TransformerEncoder(directory: model, packedWeights: cache)
        let forgetful = PackedWeightsCache(
            folder: cache.folder,
            digests: FileDigests(directory: folder.appendingPathComponent("other"), settleTime: .zero, smallestRemembered: 1))
        _ = forgetful.digests.digest(ofFileAt: weightsPath)
        #expect(Self.mappedLayers(try TransformerEncoder(directory: model, packedWeights: forgetful)).allSatisfy { !$0 })
    }

    @Test(.enabled(if: PackedWeights.isUsed)) func weightsNotYetHashedAreNeitherLookedUpNorSaved() throws {
        let encoder = try TransformerEncoder(directory: model, packedWeights: cache)
        #expect(Self.mappedLayers(encoder).allSatisfy { !$0 })
        #expect(savedFiles().isEmpty)
    }
}
