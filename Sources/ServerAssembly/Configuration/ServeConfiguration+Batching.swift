import ModelRuntime

/// `models.NAME.batching`: `false` computes each request alone; `true` or a mapping batches
/// concurrent requests (`max_batch` texts, `max_tokens` estimated tokens per pass). On by
/// default for models that run an encoder; n-gram and remote models ignore it.
extension ServeConfiguration {
    static func batching(_ reader: YAMLReader) throws -> BatchingPolicy? {
        if reader.node.mapping == nil { return try reader.bool ? BatchingPolicy() : nil }
        var policy = BatchingPolicy()
        for (key, value) in try reader.entries(allowed: ["max_batch", "max_tokens"]) {
            switch key {
            case "max_batch": policy.maxTexts = try value.int(in: 1...4096)
            default: policy.maxTokens = try value.int(in: 1...1_048_576)
            }
        }
        return policy
    }
}
