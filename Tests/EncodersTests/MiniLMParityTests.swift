import Encoders
import Foundation
import MagpieTestSupport
import Testing

/// The real all-MiniLM-L6-v2 (fetched by `scripts/fetch-minilm`) against sentence-transformers
/// and PyTorch: 54 sentence embeddings within 1e-5, hidden states within 1e-4.
@Suite struct MiniLMParityTests {
    struct Embeddings: Decodable {
        struct Sentence: Decodable {
            let id: String
            let inputIds: [Int32]
            let embedding: [Float]
        }
        struct LastHiddenState: Decodable {
            let id: String
            let inputIds: [Int32]
            let lastHiddenState: [[Float]]
        }
        let sentences: [Sentence]
        let lastHiddenState: [LastHiddenState]
    }

    struct Layers: Decodable {
        let inputIds: [Int32]
        let hiddenStates: [[[Float]]]
    }

    @Test func sentenceEmbeddingsMatchSentenceTransformers() throws {
        let encoder = try TransformerEncoder(directory: try ReferenceFiles.miniLM())
        let reference = try testVector("minilm/embeddings.json", as: Embeddings.self)
        #expect(reference.sentences.count == 54)
        let states = try encoder.hiddenStates(of: reference.sentences.map(\.inputIds))[0]
        let embeddings = Pooling.mean.pool(states, normalize: true)
        var worst: Float = 0
        for (sentence, embedding) in zip(reference.sentences, embeddings) {
            let difference = maxAbsoluteDifference(embedding, sentence.embedding)
            worst = max(worst, difference)
            #expect(difference <= 1e-5, "\(sentence.id): \(difference)")
        }
        #expect(worst > 0, "identical to six decimals everywhere would mean the reference was not read")
    }

    @Test func lastHiddenStatesMatchPyTorch() throws {
        let encoder = try TransformerEncoder(directory: try ReferenceFiles.miniLM())
        let reference = try testVector("minilm/embeddings.json", as: Embeddings.self)
        #expect(reference.lastHiddenState.count == 3)
        let states = try encoder.hiddenStates(of: reference.lastHiddenState.map(\.inputIds))[0]
        for (index, expected) in reference.lastHiddenState.enumerated() {
            #expect(
                maxAbsoluteDifference(states.sequence(index), expected.lastHiddenState.flatMap { $0 }) <= 1e-4, "\(expected.id)")
        }
    }

    @Test func everyLayerMatchesPyTorch() throws {
        let encoder = try TransformerEncoder(directory: try ReferenceFiles.miniLM())
        let reference = try testVector("minilm/layers.json", as: Layers.self)
        let states = try encoder.hiddenStates(of: [reference.inputIds], everyLayer: true)
        #expect(states.count == 7)
        for (layer, (actual, expected)) in zip(states, reference.hiddenStates).enumerated() {
            #expect(maxAbsoluteDifference(actual.values, expected.flatMap { $0 }) <= 1e-4, "layer \(layer)")
        }
    }
}
