import JSONValues

/// The texts a request asks to classify, validated against the gateway's limits.
enum ClassificationInput: Equatable {
    case single(String)
    case batch([String])

    var texts: [String] {
        switch self {
        case .single(let text): [text]
        case .batch(let texts): texts
        }
    }

    /// `{"text": "..."}` or `{"texts": [...]}` (Magpie's payload).
    static func native(_ object: [String: JSONValue], limits: GatewayLimits) throws(GatewayError) -> ClassificationInput {
        switch (object["text"], object["texts"]) {
        case (let text?, nil):
            return .single(try validText(text, field: "text", limits: limits))
        case (nil, let texts?):
            return .batch(try validBatch(texts, field: "texts", limits: limits))
        case (_?, _?):
            throw .invalidRequest("send either text or texts, not both")
        case (nil, nil):
            throw .invalidRequest("request body needs text (a string) or texts (an array of strings)")
        }
    }

    /// `{"inputs": "..."}` or `{"inputs": [...]}` (the Hugging Face inference toolkit's payload).
    static func invocations(_ object: [String: JSONValue], limits: GatewayLimits) throws(GatewayError)
        -> ClassificationInput
    {
        guard let inputs = object["inputs"] else {
            throw .invalidRequest("request body needs inputs (a string or an array of strings)")
        }
        if case .array = inputs { return .batch(try validBatch(inputs, field: "inputs", limits: limits)) }
        return .single(try validText(inputs, field: "inputs", limits: limits))
    }

    static func validText(_ value: JSONValue, field: String, limits: GatewayLimits) throws(GatewayError) -> String {
        guard case .string(let text) = value else { throw .invalidRequest("\(field) must be a string, not \(value.typeName)") }
        guard !text.allSatisfy(\.isWhitespace) else { throw .invalidRequest("\(field) must not be empty") }
        guard text.unicodeScalars.count <= limits.maxTextLength else {
            throw .invalidRequest("\(field) is longer than the limit of \(limits.maxTextLength) characters")
        }
        return text
    }

    static func validBatch(_ value: JSONValue, field: String, limits: GatewayLimits) throws(GatewayError) -> [String] {
        guard case .array(let items) = value else {
            throw .invalidRequest("\(field) must be an array of strings, not \(value.typeName)")
        }
        guard !items.isEmpty else { throw .invalidRequest("\(field) must not be empty") }
        guard items.count <= limits.maxBatchSize else {
            throw .invalidRequest("\(field) has \(items.count) texts; the limit is \(limits.maxBatchSize)")
        }
        var texts: [String] = []
        for (position, item) in items.enumerated() {
            texts.append(try validText(item, field: "\(field)[\(position)]", limits: limits))
        }
        return texts
    }
}
