import Encoders
import Foundation
import MagpieTestSupport
import Testing

/// The two tiny random classifiers of the test vectors (dim 12, 2 layers, 4 heads of 3): logits,
/// `[CLS]` states, every layer, and a padded batch, within the README's 1e-4.
@Suite struct TinyClassifierParityTests {
    struct Expected: Decodable {
        struct Item: Decodable {
            let id: String
            let inputIds: [Int32]
            let logits: [Float]
            let clsHiddenState: [Float]
        }
        struct PaddedBatch: Decodable {
            let inputIds: [[Int32]]
            let attentionMask: [[Int]]
            let logits: [[Float]]
        }
        struct Layers: Decodable {
            let inputIds: [Int32]
            let hiddenStates: [[[Float]]]
        }
        let items: [Item]
        let paddedBatch: PaddedBatch
        let layers: Layers
    }

    static let tolerance: Float = 1e-4

    @Test(arguments: ["distilbert-tiny", "bert-tiny-cls"])
    func logitsAndStatesMatchPyTorch(folder: String) throws {
        let encoder = try TransformerEncoder(directory: try ReferenceFiles.testVector(folder))
        let expected = try testVector("\(folder)/expected.json", as: Expected.self)
        #expect(expected.items.count == 29)
        let logits = try encoder.logits(of: expected.items.map(\.inputIds))
        let states = try encoder.hiddenStates(of: expected.items.map(\.inputIds))[0]
        for (index, item) in expected.items.enumerated() {
            #expect(maxAbsoluteDifference(logits[index], item.logits) <= Self.tolerance, "\(folder) \(item.id) logits")
            let cls = states.sequence(index).prefix(encoder.configuration.hiddenSize)
            #expect(maxAbsoluteDifference(cls, item.clsHiddenState) <= Self.tolerance, "\(folder) \(item.id) [CLS] state")
        }
    }

    /// The padded batch, unpadded by its attention mask, gives the reference's padded logits.
    @Test(arguments: ["distilbert-tiny", "bert-tiny-cls"])
    func aBatchOfDifferentLengthsMatchesThePaddedReference(folder: String) throws {
        let encoder = try TransformerEncoder(directory: try ReferenceFiles.testVector(folder))
        let batch = try testVector("\(folder)/expected.json", as: Expected.self).paddedBatch
        let sequences = zip(batch.inputIds, batch.attentionMask).map { ids, mask in Array(ids.prefix(mask.reduce(0, +))) }
        #expect(Set(sequences.map(\.count)).count > 1)
        let logits = try encoder.logits(of: sequences)
        for (actual, expected) in zip(logits, batch.logits) { #expect(maxAbsoluteDifference(actual, expected) <= Self.tolerance) }
    }

    @Test(arguments: ["distilbert-tiny", "bert-tiny-cls"])
    func everyLayerMatches(folder: String) throws {
        let encoder = try TransformerEncoder(directory: try ReferenceFiles.testVector(folder))
        let layers = try testVector("\(folder)/expected.json", as: Expected.self).layers
        let states = try encoder.hiddenStates(of: [layers.inputIds], everyLayer: true)
        #expect(states.count == layers.hiddenStates.count)
        for (layer, (actual, expected)) in zip(states, layers.hiddenStates).enumerated() {
            #expect(maxAbsoluteDifference(actual.values, expected.flatMap { $0 }) <= Self.tolerance, "\(folder) layer \(layer)")
        }
    }

    @Test func labelsComeFromTheConfiguration() throws {
        let encoder = try TransformerEncoder(directory: try ReferenceFiles.testVector("distilbert-tiny"))
        #expect(encoder.configuration.labels == ["hate_speech", "offensive_language", "neither"])
        #expect(encoder.configuration.family == .distilBERT)
    }
}
