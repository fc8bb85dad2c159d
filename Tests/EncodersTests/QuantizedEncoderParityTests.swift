import Digests
import Encoders
import Foundation
import MagpieTestSupport
import Testing

/// Encoders quantized by `EncoderQuantization` against the same int8 scheme computed in NumPy
/// (`scripts/int8_reference.py`, Tests/TestVectors/int8/): the tiny BERT and DistilBERT
/// classifiers' logits, and all-MiniLM-L6-v2's sentence embeddings.
///
/// Both sides quantize each product's input rows at run time, from floats that differ by
/// rounding (summation order, the GELU's erf). Most texts therefore agree to float rounding.
/// In the others, one value lands within rounding of a step boundary and rounds to the
/// neighbouring step on one side only; later layers then quantize slightly different inputs,
/// and that text's output moves by up to what quantization itself moves it from float32 (the
/// longer the text, the likelier: 7 of 20 MiniLM sentences, 1 of 29 tiny-model texts). So: at
/// least half the texts within 1e-4, and every text within the scheme's own error (the largest
/// distance between NumPy's int8 and float32 outputs over the texts).
@Suite struct QuantizedEncoderParityTests {
    struct Reference: Decodable {
        struct Item: Decodable {
            let inputIds: [Int32]
            let logits: [Float]?
            let embedding: [Float]?
        }
        let weightsSha256: String
        let items: [Item]
    }

    /// A copy of the encoder folder with its weights quantized.
    static func quantizedCopy(of folder: URL) throws -> (URL, EncoderQuantization.Summary) {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-int8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file != "model.safetensors" {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(file), to: copy.appendingPathComponent(file))
        }
        let (data, summary) = try EncoderQuantization.quantize(
            SafetensorsFile(path: folder.appendingPathComponent("model.safetensors").path))
        try data.write(to: copy.appendingPathComponent("model.safetensors"))
        return (copy, summary)
    }

    @Test(arguments: ["distilbert-tiny", "bert-tiny-cls"])
    func logitsMatchTheNumPyScheme(folder: String) throws {
        let source = try ReferenceFiles.testVector(folder)
        let reference = try testVector("int8/\(folder).json", as: Reference.self)
        let (quantized, summary) = try Self.quantizedCopy(of: source)
        #expect(summary.layers == 2 * 6, "six products in each of two layers")
        let encoder = try TransformerEncoder(directory: quantized)
        let logits = try encoder.logits(of: reference.items.map(\.inputIds))
        let float = try TransformerEncoder(directory: source).logits(of: reference.items.map(\.inputIds))
        Self.expectParity(logits, float: float, reference: reference.items.map { $0.logits ?? [] }, folder)
    }

    @Test func miniLMEmbeddingsMatchTheNumPyScheme() throws {
        let source = try ReferenceFiles.miniLM()
        let reference = try testVector("int8/minilm.json", as: Reference.self)
        let weights = try Data(contentsOf: source.appendingPathComponent("model.safetensors"), options: .alwaysMapped)
        #expect(sha256Hex(weights) == reference.weightsSha256, "the reference was made from these weights")
        let (quantized, summary) = try Self.quantizedCopy(of: source)
        #expect(summary.layers == 6 * 6 && summary.quantizedBytes * 10 < summary.floatBytes * 7)
        let encoder = try TransformerEncoder(directory: quantized)
        let states = try encoder.hiddenStates(of: reference.items.map(\.inputIds))[0]
        let embeddings = Pooling.mean.pool(states, normalize: true)
        let float = Pooling.mean.pool(
            try TransformerEncoder(directory: source).hiddenStates(of: reference.items.map(\.inputIds))[0], normalize: true)
        Self.expectParity(embeddings, float: float, reference: reference.items.map { $0.embedding ?? [] }, "MiniLM")
    }

    static func expectParity(_ outputs: [[Float]], float: [[Float]], reference: [[Float]], _ name: String) {
        let differences = zip(outputs, reference).map { maxAbsoluteDifference($0, $1) }
        let schemeError = zip(float, reference).map { maxAbsoluteDifference($0, $1) }.max() ?? 0
        let close = differences.filter { $0 <= 1e-4 }.count
        #expect(close * 2 >= reference.count, "\(name): \(close) of \(reference.count) within 1e-4: \(differences)")
        #expect(differences.allSatisfy { $0 <= schemeError }, "\(name): \(differences), int8 moves float by \(schemeError)")
        #expect(schemeError > 1e-3, "\(name): the quantized weights were used (\(schemeError) from float)")
    }
}
