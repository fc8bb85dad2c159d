import Foundation

/// How sentence-transformers turns a folder's hidden states into one vector: its pooling
/// (`1_Pooling/config.json`), whether a `Normalize` module follows (`modules.json`), and its
/// `max_seq_length` (`sentence_bert_config.json`). A plain Hugging Face folder has none of
/// these: mean pooling, normalized, at the model's full length.
struct SentenceEmbeddingSettings {
    var pooling: Pooling = .mean
    var normalize = true
    var maxSequenceLength: Int?

    init(directory: URL) throws(EncoderError) {
        if let pooling = try Self.object(directory.appendingPathComponent("1_Pooling/config.json")) {
            if pooling["pooling_mode_cls_token"] as? Bool == true {
                self.pooling = .cls
            } else if pooling["pooling_mode_mean_tokens"] as? Bool != true {
                throw .unsupportedSetting(
                    path: directory.appendingPathComponent("1_Pooling/config.json").path, key: "pooling mode",
                    value: "other than mean or CLS")
            }
        }
        if let data = try? Data(contentsOf: directory.appendingPathComponent("modules.json")),
            let modules = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        {
            normalize = modules.contains { ($0["type"] as? String)?.hasSuffix(".Normalize") == true }
        }
        if let settings = try Self.object(directory.appendingPathComponent("sentence_bert_config.json")) {
            maxSequenceLength = settings["max_seq_length"] as? Int
        }
    }

    private static func object(_ url: URL) throws(EncoderError) -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = try? Data(contentsOf: url), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw .malformedConfiguration(path: url.path, reason: "not a JSON object")
        }
        return object
    }
}
