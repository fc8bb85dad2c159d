import Foundation
import Gateway
import GatewayHost
import HTTPTypes
import Logging
import ModelRuntime
import Releases
import Retraining
import Storage
import Yams

/// `routes:` and `plans:`, and the checks that tie them to the served models.
extension ServeConfiguration {
    func route(named name: String, _ reader: YAMLReader) throws -> ModelRoute {
        var selector: ModelRoute.Selector?
        var choices: [String: String] = [:]
        var defaultChoice: String?
        for (key, value) in try reader.entries(allowed: ["json_field", "header", "choices", "default"]) {
            switch key {
            case "json_field", "header":
                guard selector == nil else { throw value.error("give json_field or header, not both") }
                selector = key == "header" ? .header(try value.string) : .jsonField(try value.string)
            case "choices":
                for (choice, model) in try value.entries(allowed: nil) { choices[choice] = try model.string }
            default: defaultChoice = try value.string
            }
        }
        guard let selector else { throw reader.error("needs json_field or header to choose the model by") }
        guard !choices.isEmpty else { throw reader.error("needs choices (choice: model)") }
        if let defaultChoice, choices[defaultChoice] == nil {
            throw reader.error("default '\(defaultChoice)' is not one of the choices", key: "default")
        }
        return ModelRoute(name: name, selector: selector, choices: choices, defaultChoice: defaultChoice)
    }

    func plan(named name: String, _ reader: YAMLReader) throws -> UsagePlan {
        var quota: Quota?
        var rate: Double?
        var burst: Int?
        for (key, value) in try reader.entries(allowed: ["quota", "rate", "burst"]) {
            switch key {
            case "quota": quota = try Quota(parsing: try value.string)
            case "rate": rate = try value.positiveNumber
            default: burst = try value.int(in: 1...1_000_000_000)
            }
        }
        guard let rate, let burst else { throw reader.error("needs rate and burst") }
        return try UsagePlan(name: name, quota: quota, rate: rate, burst: burst)
    }

    /// Routes and fallbacks may only name models that are served, and fallbacks may not
    /// chain into a loop.
    func checkRoutes(file: String) throws {
        guard !models.isEmpty else { return }
        let served = Set(models.map(\.name))
        for model in models {
            guard let fallback = model.fallback else { continue }
            guard served.contains(fallback) else {
                throw ConfigurationError(
                    file: file, key: "models.\(model.name).fallback", line: nil,
                    reason: "model '\(fallback)' is not among the served models (\(served.sorted().joined(separator: ", ")))")
            }
            if models.first(where: { $0.name == fallback })?.fallback != nil {
                throw ConfigurationError(
                    file: file, key: "models.\(model.name).fallback", line: nil,
                    reason: "fallback '\(fallback)' has a fallback of its own; a fallback must answer by itself")
            }
        }
        for route in routes {
            for (choice, model) in route.choices.sorted(by: { $0.key < $1.key }) where !served.contains(model) {
                throw ConfigurationError(
                    file: file, key: "routes.\(route.name).choices.\(choice)", line: nil,
                    reason: "model '\(model)' is not among the served models (\(served.sorted().joined(separator: ", ")))")
            }
        }
    }
}
