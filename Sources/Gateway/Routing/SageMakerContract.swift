import Foundation
import HTTPTypes

/// SageMaker's hosting contract for a model container: `GET /ping` and `POST /invocations` on
/// port 8080, with no API key, because SageMaker has already authenticated the caller with IAM
/// and nothing else reaches the container's port. Served only when the contract is switched on
/// (`magpie container serve`, `magpie serve --sagemaker`): a plain server keeps every
/// classification behind its keys.
public struct SageMakerContract: Sendable {
    /// The model `/invocations` classifies with unless the request's custom attributes name
    /// another; nil when the container serves several and each request must name one.
    public let defaultModel: String?

    public init(defaultModel: String?) {
        self.defaultModel = defaultModel
    }

    static let routes: [RouteTable<Endpoint>.Route] = [
        .init("/ping", [.get]) { _ in .ping },
        .init("/invocations", [.post]) { _ in .sageMakerInvocations },
    ]

    /// SageMaker forwards `CustomAttributes` from `InvokeEndpoint` verbatim in this header, and
    /// returns the container's header of the same name to the caller.
    static let customAttributesHeader = HTTPField.Name("X-Amzn-SageMaker-Custom-Attributes")!

    /// The request's choices in `X-Amzn-SageMaker-Custom-Attributes`: `key=value` pairs
    /// separated by `;` or `,`, of which `model` (a served model's name) and `version` (a
    /// version to pin) are read and any others ignored, as SageMaker treats the value as opaque.
    struct Attributes: Equatable {
        var model: String?
        var version: String?

        init(model: String? = nil, version: String? = nil) {
            self.model = model
            self.version = version
        }

        init(header: String?) {
            guard let header else { return }
            for pair in header.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[1].isEmpty else { continue }
                switch parts[0] {
                case "model": model = parts[1]
                case "version": version = parts[1]
                default: continue
                }
            }
        }

        /// What the response reports: the model and version that answered.
        static func answer(model: String, version: String) -> String {
            "model=\(model);version=\(version)"
        }
    }
}
