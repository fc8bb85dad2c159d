import ArgumentParser
import Classifiers
import Foundation
import Quantization

struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Write an int8 copy of an encoder model, if it scores within --max-drop of the original.",
        discussion: """
            The encoder layers' products get int8 weights per output channel and quantize their inputs per row at \
            run time; the rest stays float32. Both models are scored on the rows training held out (when --data is \
            the file the model was trained on) or on every row of --data; if macro F1 drops by more than --max-drop, \
            nothing is written and the command exits 1. The copy is a Magpie model like any other.
            """)

    @Option(help: "The model folder: an encoder head or a fine-tuned encoder.") var model: String
    @Option(help: "Where to write the int8 model.") var output: String
    @Option(help: "Labelled rows to score both models on (the training file, or a validation file).") var data: String
    @Option(help: "The text column of --data (default: the one the model was trained with).") var textColumn: String?
    @Option(help: "The label column of --data (default: the one the model was trained with).") var labelColumn: String?
    @Option(help: "The largest drop in macro F1 allowed.") var maxDrop = 0.005

    func validate() throws {
        guard maxDrop >= 0 && maxDrop <= 1 else { throw ValidationError("--max-drop must be from 0 to 1, not \(maxDrop)") }
    }

    func run() throws {
        let manifest = try ModelArtifact.manifest(at: model)
        let dataset = try LabeledDataset.read(
            path: data, textColumn: textColumn ?? manifest.trainingData.textColumn,
            labelColumn: labelColumn ?? manifest.trainingData.labelColumn)
        let rows = try EvaluationRows(data: dataset, manifest: manifest)
        let written: ModelManifest
        do {
            written = try ArtifactQuantizer.quantize(
                model: model, output: output, rows: rows, maxDrop: maxDrop, progress: Progress.say)
        } catch let error as QuantizationError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        guard let record = written.quantization else { return }
        print(
            "Quantized \(record.layers) products to int8: \(output)\n"
                + "macro F1 on \(record.rows) rows (\(record.evaluatedOn)): float32 \(Self.format(record.float32.macroF1)), "
                + "int8 \(Self.format(record.int8.macroF1)); accuracy \(Self.format(record.float32.accuracy)) → "
                + "\(Self.format(record.int8.accuracy))")
    }

    static func format(_ value: Double) -> String { String(format: "%.4f", value) }
}
