/// A route that picks its model per request, from a JSON field of the body or a header, the
/// way a smart speaker sends `"task": "sentiment"` or `"task": "hate-speech"` to one endpoint.
/// Served at `POST /v1/routes/{name}` with Magpie's classify payload.
public struct ModelRoute: Sendable, Equatable {
    public enum Selector: Sendable, Equatable {
        case jsonField(String)
        case header(String)

        var description: String {
            switch self {
            case .jsonField(let field): "field '\(field)'"
            case .header(let header): "header '\(header)'"
            }
        }
    }

    public var name: String
    public var selector: Selector
    /// Choice value → model name.
    public var choices: [String: String]
    /// The choice used when the request names none; nil makes the choice required.
    public var defaultChoice: String?

    public init(name: String, selector: Selector, choices: [String: String], defaultChoice: String? = nil) {
        self.name = name
        self.selector = selector
        self.choices = choices
        self.defaultChoice = defaultChoice
    }

    /// The model for a request whose choice is `value` (nil when absent).
    func model(for value: String?) throws(GatewayError) -> String {
        guard let choice = value ?? defaultChoice else {
            throw .invalidRequest(
                "this route needs a \(selector.description) choosing one of: \(choices.keys.sorted().joined(separator: ", "))")
        }
        guard let model = choices[choice] else {
            throw .unknownChoice(field: selector.description, value: choice, valid: choices.keys.sorted())
        }
        return model
    }
}
