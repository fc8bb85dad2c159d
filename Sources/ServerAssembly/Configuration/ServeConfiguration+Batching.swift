import ModelRuntime

/// `models.NAME.batching`: `false` computes each request alone; `true` or a mapping batches
/// concurrent requests (`max_batch` texts, `max_tokens` estimated tokens per pass, a request
/// waiting at most `max_queue_time` seconds for its batch). On by default for models that run
/// an encoder; n-gram and remote models ignore it.
extension ServeConfiguration {
    static func batching(_ reader: YAMLReader) throws -> BatchingPolicy? {
        if reader.node.mapping == nil { return try reader.bool ? BatchingPolicy() : nil }
        var policy = BatchingPolicy()
        for (key, value) in try reader.entries(allowed: ["max_batch", "max_tokens", "max_queue_time"]) {
            switch key {
            case "max_batch": policy.maxTexts = try value.int(in: 1...4096)
            case "max_tokens": policy.maxTokens = try value.int(in: 1...1_048_576)
            default:
                let seconds = try value.positiveNumber
                guard seconds <= 600 else { throw value.error("expected a number of seconds up to 600") }
                policy.maxQueueTime = .milliseconds(Int((seconds * 1000).rounded(.up)))
            }
        }
        return policy
    }
}
