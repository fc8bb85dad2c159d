import Encoders
import Foundation

/// Writes a fine-tuned network as a Hugging Face `*ForSequenceClassification` folder that
/// `transformers` and `magpie predict` load as it is: the source's config with the
/// architecture and `id2label` / `label2id` set, `model.safetensors` with every tensor under
/// its Hugging Face name, and the source's tokenizer files, with `model_max_length` set to
/// the length the model was trained at.
public enum HuggingFaceFolder {
    static let tokenizerFiles = ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]

    /// Writes into a sibling temporary folder, calls `beforePublishing` with it (to add files
    /// that describe the others, such as a manifest of checksums), then renames it to
    /// `destination`, so a reader never sees half a model. An existing folder there is
    /// replaced only when it is empty or holds a model (`config.json` or `manifest.json`).
    public static func write(
        _ network: SequenceClassifierNetwork, labelNames: [String], maxLength: Int, source: URL, to destination: URL,
        beforePublishing: (URL) throws -> Void = { _ in }
    ) throws(FineTuningError) {
        let fileManager = FileManager.default
        if let contents = try? fileManager.contentsOfDirectory(atPath: destination.path), !contents.isEmpty,
            !contents.contains("config.json"), !contents.contains("manifest.json")
        {
            throw .writeFailed(
                path: destination.path, reason: "it exists and is not a model; choose another --output or remove it")
        }
        let parent = destination.standardizedFileURL.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(
            ".\(destination.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try? fileManager.removeItem(at: temporary)
            try fileManager.createDirectory(at: temporary, withIntermediateDirectories: true)
            try configuration(network, labelNames: labelNames, source: source)
                .write(to: temporary.appendingPathComponent("config.json"))
            try weights(network).write(to: temporary.appendingPathComponent("model.safetensors"))
            for file in tokenizerFiles where fileManager.fileExists(atPath: source.appendingPathComponent(file).path) {
                var data = try Data(contentsOf: source.appendingPathComponent(file))
                if file == "tokenizer_config.json" { data = try tokenizerConfiguration(data, maxLength: maxLength) }
                try data.write(to: temporary.appendingPathComponent(file))
            }
            try beforePublishing(temporary)
            if fileManager.fileExists(atPath: destination.path) {
                try fileManager.removeItem(at: destination)
            }
            try fileManager.moveItem(at: temporary, to: destination)
        } catch let error as FineTuningError {
            try? fileManager.removeItem(at: temporary)
            throw error
        } catch {
            try? fileManager.removeItem(at: temporary)
            throw .writeFailed(path: destination.path, reason: error.localizedDescription)
        }
    }

    static func weights(_ network: SequenceClassifierNetwork) -> Data {
        let parameters = network.parameters
        return SafetensorsWriter.encode(
            parameters.parameters.map { parameter in
                (
                    parameter.name, parameter.shape,
                    UnsafeBufferPointer(start: parameters.values + parameter.offset, count: parameter.count)
                )
            })
    }

    static func configuration(_ network: SequenceClassifierNetwork, labelNames: [String], source: URL) throws -> Data {
        let path = source.appendingPathComponent("config.json")
        guard var configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any] else {
            throw FineTuningError.writeFailed(path: path.path, reason: "the source's config.json is not a JSON object")
        }
        configuration["architectures"] = [
            network.configuration.family == .bert ? "BertForSequenceClassification" : "DistilBertForSequenceClassification"
        ]
        configuration["id2label"] = Dictionary(
            uniqueKeysWithValues: labelNames.enumerated().map { (String($0.offset), $0.element) })
        configuration["label2id"] = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($0.element, $0.offset) })
        configuration["problem_type"] = "single_label_classification"
        configuration["torch_dtype"] = "float32"
        return try JSONSerialization.data(withJSONObject: configuration, options: [.prettyPrinted, .sortedKeys])
    }

    static func tokenizerConfiguration(_ data: Data, maxLength: Int) throws -> Data {
        guard var settings = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return data }
        settings["model_max_length"] = maxLength
        return try JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted, .sortedKeys])
    }
}
