import ArgumentParser
import Classifiers

/// The `--model` option of every command that uses a trained artifact.
struct ModelOptions: ParsableArguments {
    @Option(help: "The model artifact directory (as written by `magpie train`).")
    var model: String

    /// The verified artifact; fails with a message naming what is missing or corrupt.
    func load() throws -> ModelArtifact {
        try ModelArtifact.load(from: model)
    }
}
