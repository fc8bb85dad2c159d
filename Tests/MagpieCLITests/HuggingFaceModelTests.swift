import Foundation
import MagpieTestSupport
import Testing

/// `predict` and `evaluate` with a Hugging Face sequence-classification folder used as it is,
/// checked against PyTorch's outputs for the test vectors' tiny DistilBERT.
@Suite struct HuggingFaceModelTests {
    struct Expected: Decodable {
        struct Item: Decodable {
            let text: String
            let label: String
            let softmax: [Double]
            let inputIds: [Int]

            enum CodingKeys: String, CodingKey {
                case text, label, softmax
                case inputIds = "input_ids"
            }
        }
        let items: [Item]
    }

    let labels = ["hate_speech", "offensive_language", "neither"]

    func expected() throws -> Expected {
        try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: try ReferenceFiles.testVector("distilbert-tiny/expected.json")))
    }

    @Test func predictGivesPyTorchsProbabilities() async throws {
        let model = try ReferenceFiles.testVector("distilbert-tiny").path
        let items = Array(try expected().items.prefix(5))
        let predict = try await MagpieProcess.run(["predict", "--model", model] + items.map(\.text))
        #expect(predict.status == 0, "\(predict.standardError)")
        let lines = predict.standardOutput.split(separator: "\n")
        #expect(lines.count == items.count)
        for (line, item) in zip(lines, items) {
            let prediction = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(prediction["label"] as? String == item.label)
            let scores = try #require(prediction["scores"] as? [String: Double])
            for (name, probability) in zip(labels, item.softmax) { #expect(abs(scores[name]! - probability) < 1e-4) }
            #expect(prediction["truncated"] == nil)
        }
    }

    @Test func aTextLongerThanTheModelIsTruncatedAndSaysSo() async throws {
        let model = try ReferenceFiles.testVector("distilbert-tiny").path
        let predict = try await MagpieProcess.run(["predict", "--model", model, String(repeating: "word ", count: 600)])
        #expect(predict.status == 0, "\(predict.standardError)")
        #expect(predict.standardOutput.contains(#""truncated":true"#))
    }

    /// Labelled with the reference's own predictions, the file must score accuracy 1. The
    /// reference cut its inputs at 128 tokens and Magpie at the model's 512, so texts the
    /// reference cut are left out.
    @Test func evaluateScoresTheFolderOnALabelledFile() async throws {
        let workspace = try Workspace()
        let items = try expected().items.filter { !$0.text.allSatisfy(\.isWhitespace) && $0.inputIds.count < 128 }
        let rows = items.map { item in "\"\(item.text.replacingOccurrences(of: "\"", with: "\"\""))\",\(item.label)" }
        let data = workspace.path("labelled.csv")
        try (["text,label"] + rows).joined(separator: "\n").write(toFile: data, atomically: true, encoding: .utf8)
        let evaluate = try await MagpieProcess.run([
            "evaluate", "--model", try ReferenceFiles.testVector("distilbert-tiny").path, "--data", data, "--text-column", "text",
            "--label-column", "label", "--json",
        ])
        #expect(evaluate.status == 0, "\(evaluate.standardError)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.standardOutput.utf8)) as? [String: Any])
        #expect(metrics["count"] as? Int == items.count)
        #expect(metrics["accuracy"] as? Double == 1)
    }

    @Test func anEncoderWithoutAHeadIsRefusedClearly() async throws {
        let predict = try await MagpieProcess.run(["predict", "--model", try ReferenceFiles.miniLM().path, "text"])
        #expect(predict.status != 0)
        #expect(predict.standardError.contains("no classification head"))
    }
}
