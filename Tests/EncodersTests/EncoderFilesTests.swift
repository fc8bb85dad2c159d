import Encoders
import Foundation
import MagpieTestSupport
import Testing

/// Bad model folders and inputs fail with errors naming the file, key or tensor at fault.
@Suite struct EncoderFilesTests {
    /// A copy of a tiny test-vector model in a temporary folder, with `config.json` edited.
    func tinyCopy(_ folder: String, editing edit: (inout [String: Any]) -> Void = { _ in }) throws -> URL {
        let source = try ReferenceFiles.testVector(folder)
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-encoder-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: target)
        let configURL = target.appendingPathComponent("config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        edit(&config)
        try FileManager.default.removeItem(at: configURL)
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        return target
    }

    func loadError(_ directory: URL) -> EncoderError? {
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try TransformerEncoder(directory: directory)
            return nil
        } catch { return error }
    }

    /// A safetensors file of the given little-endian tensors.
    func safetensors(_ tensors: [(name: String, type: String, shape: [Int], bytes: [UInt8])]) -> Data {
        var header: [String: Any] = [:]
        var data: [UInt8] = []
        for tensor in tensors {
            header[tensor.name] = [
                "dtype": tensor.type, "shape": tensor.shape, "data_offsets": [data.count, data.count + tensor.bytes.count],
            ]
            data += tensor.bytes
        }
        var json = try! JSONSerialization.data(withJSONObject: header)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var file = Data(withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) })
        file.append(json)
        file.append(contentsOf: data)
        return file
    }

    func write(_ data: Data) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-\(UUID().uuidString).safetensors").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func halfAndBrainFloatWeightsAreConverted() throws {
        let halves: [Float16] = [1.5, -2, 0.333_25, 65_504]
        let brain: [UInt16] = [0x3FC0, 0xC000, 0x3EAA, 0x7F80]
        let path = try write(
            safetensors([
                ("h", "F16", [2, 2], halves.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }),
                ("b", "BF16", [4], brain.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }),
                ("i", "I64", [1], [UInt8](repeating: 0, count: 8)),
            ]))
        defer { unlink(path) }
        let file = try SafetensorsFile(path: path)
        #expect(try file.tensor("h", shape: [2, 2]).values == halves.map { Float($0) })
        #expect(try file.tensor("b", shape: [4]).values == [1.5, -2, Float(bitPattern: 0x3EAA_0000), .infinity])
        #expect(throws: EncoderError.unsupportedTensorType(path: path, name: "i", type: "I64")) {
            try file.tensor("i", shape: [1])
        }
        #expect(throws: EncoderError.tensorShapeMismatch(path: path, name: "h", expected: [4], actual: [2, 2])) {
            try file.tensor("h", shape: [4])
        }
        #expect(throws: EncoderError.missingTensor(path: path, name: "x")) { try file.tensor("x", shape: [1]) }
    }

    @Test func truncatedOrCorruptSafetensorsAreRefused() throws {
        let good = safetensors([("w", "F32", [2], [0, 0, 128, 63, 0, 0, 0, 64])])
        for (data, reason) in [
            (good.prefix(5), "fewer than a header"), (good.dropLast(4), "lies outside the file"),
            (Data([255, 255, 255, 255, 0, 0, 0, 0]) + good.dropFirst(8), "the header claims"),
            (Data(withUnsafeBytes(of: UInt64(4).littleEndian) { Array($0) }) + Data("null".utf8), "not a JSON object"),
        ] {
            let path = try write(Data(data))
            defer { unlink(path) }
            #expect {
                try SafetensorsFile(path: path)
            } throws: { error in
                "\(error)".contains(reason)
            }
        }
        #expect(throws: EncoderError.missingFile(path: "/nonexistent/model.safetensors")) {
            try SafetensorsFile(path: "/nonexistent/model.safetensors")
        }
    }

    @Test func unsupportedOrInconsistentConfigurationsAreNamed() throws {
        let gpt = loadError(try tinyCopy("bert-tiny-cls") { $0["model_type"] = "gpt2" })
        #expect(gpt?.description.contains("model_type \"gpt2\" is not supported") == true)
        let heads = loadError(try tinyCopy("bert-tiny-cls") { $0["num_attention_heads"] = 5 })
        #expect(heads?.description.contains("not a multiple of the 5 heads") == true)
        let activation = loadError(try tinyCopy("distilbert-tiny") { $0["activation"] = "swish" })
        #expect(activation?.description.hasSuffix("activation = swish is not supported") == true)
        let wrongType = loadError(try tinyCopy("bert-tiny-cls") { $0["hidden_size"] = "twelve" })
        #expect(wrongType?.description.hasSuffix("hidden_size has the wrong type") == true)
        let mismatch = loadError(try tinyCopy("bert-tiny-cls") { $0["intermediate_size"] = 64 })
        guard case .tensorShapeMismatch(_, let name, let expected, let actual) = mismatch else {
            Issue.record("expected a shape mismatch, got \(String(describing: mismatch))")
            return
        }
        #expect(name == "bert.encoder.layer.0.intermediate.dense.weight" && expected == [64, 12] && actual == [48, 12])
    }

    @Test func badSequencesAreRefusedNotRun() throws {
        let encoder = try TransformerEncoder(directory: try ReferenceFiles.testVector("distilbert-tiny"))
        #expect(throws: EncoderError.sequenceTooLong(index: 1, length: 513, maxPositions: 512)) {
            try encoder.hiddenStates(of: [[101, 102], Array(repeating: 1000, count: 513)])
        }
        #expect(throws: EncoderError.tokenOutOfRange(index: 0, id: 30_522, vocabularySize: 30_522)) {
            try encoder.hiddenStates(of: [[101, 30_522, 102]])
        }
        #expect(throws: EncoderError.emptySequence(index: 0)) { try encoder.logits(of: [[]]) }
        let plain = try TransformerEncoder(directory: try ReferenceFiles.miniLM())
        #expect(throws: EncoderError.noClassificationHead) { try plain.logits(of: [[101, 102]]) }
    }
}
