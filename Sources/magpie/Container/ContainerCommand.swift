import ArgumentParser
import Foundation

/// The entry point of the image `magpie package container` writes. Each platform starts a
/// container its own way, and this picks the mode from that alone:
/// - Lambda sets `AWS_LAMBDA_RUNTIME_API` → the Lambda runtime (`magpie lambda`);
/// - SageMaker hosting runs the image with `serve` → the server with SageMaker's contract,
///   serving the models it unpacked into `/opt/ml/model`;
/// - SageMaker training runs it with `train` → `SageMakerTrainingJob`;
/// - ECS, Kubernetes or `podman run` with no argument → `magpie serve`, configured by the
///   `MAGPIE_*` environment variables.
struct ContainerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "container",
        abstract: "The container image's entry point: serve, train or the Lambda runtime, as the platform asks.",
        shouldDisplay: false
    )

    @Argument(help: "serve (SageMaker hosting), train (SageMaker training), or nothing (the plain server).")
    var mode: String?
    @Option(help: "SageMaker's folder (for tests outside a container).") var mlRoot: String = "/opt/ml"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if environment["AWS_LAMBDA_RUNTIME_API"] != nil {
            return try await LambdaCommand.parse([]).run()
        }
        switch mode {
        case nil:
            try await ServeCommand.parse([]).run()
        case "serve":
            try await ServeCommand.parse(sageMakerServeArguments(environment)).run()
        case "train":
            try SageMakerTrainingJob(root: URL(fileURLWithPath: mlRoot)).run()
        case let other?:
            throw ValidationError(
                "unknown mode '\(other)': the image runs serve (SageMaker hosting), train (SageMaker training) or nothing (the server)"
            )
        }
    }

    /// SageMaker sends requests to port 8080 (or `SAGEMAKER_BIND_TO_PORT`) on every interface, and unpacks the endpoint's
    /// `model.tar.gz` (one folder per model, as `magpie package sagemaker-model` writes it) into
    /// `/opt/ml/model`; an endpoint without model data serves the image's own models.
    func sageMakerServeArguments(_ environment: [String: String]) -> [String] {
        let unpacked = URL(fileURLWithPath: mlRoot).appendingPathComponent("model").path
        let hasModels = ((try? FileManager.default.contentsOfDirectory(atPath: unpacked)) ?? []).contains { !$0.hasPrefix(".") }
        // Inference pipelines tell each container its port; everything else uses 8080.
        let port = environment["SAGEMAKER_BIND_TO_PORT"] ?? "8080"
        var arguments = ["--sagemaker", "--host", "0.0.0.0", "--port", port]
        if hasModels { arguments += ["--models", unpacked] }
        return arguments
    }
}
