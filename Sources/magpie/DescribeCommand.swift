import ArgumentParser
import Classifiers
import Foundation

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show what a model artifact is: its labels, algorithm, training data and validation metrics."
    )

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let manifest = try modelOptions.manifest()
        var lines = [
            "Model \(manifest.name) version \(manifest.version) (\(manifest.task), format \(manifest.formatVersion))",
            manifest.ensemble.map { ensemble in
                "Created \(manifest.createdAt) as an ensemble averaging "
                    + ensemble.members.map { "\($0.path)/ at weight \($0.weight)" }.joined(separator: " and ")
                    + "; weights chosen by \(ensemble.chosenBy)"
            }
                ?? (manifest.encoder == nil
                    ? "Created \(manifest.createdAt) with \(manifest.algorithm), \(manifest.featureCount) features"
                    : "Created \(manifest.createdAt) with \(manifest.algorithm) on \(manifest.featureCount)-dimension embeddings"),
            "Labels: " + manifest.labels.map { $0.value == $0.name ? $0.name : "\($0.value)=\($0.name)" }.joined(separator: ", "),
            "Trained on \(manifest.trainingData.file) (\(manifest.trainingData.rowsUsed) rows, SHA-256 \(manifest.trainingData.sha256.prefix(16))…)",
        ]
        if let encoder = manifest.encoder, let recipe = manifest.hyperparameters.fineTuning {
            lines.append(
                "Fine-tuned \(encoder.modelType) encoder, \(encoder.maxLength) tokens: \(recipe.epochs) epochs, batch \(recipe.batchSize), learning rate \(recipe.learningRate), warmup \(recipe.warmup), weight decay \(recipe.weightDecay)\(recipe.balancedClassWeights ? ", balanced class weights" : "")"
            )
        } else if let encoder = manifest.encoder {
            lines.append(
                "Encoder: \(encoder.bundled ? "bundled in the artifact" : encoder.path) (\(encoder.modelType), \(encoder.pooling) pooling\(encoder.normalize ? ", normalized" : ""), \(encoder.maxLength) tokens, long texts: \(encoder.longTexts))"
            )
        }
        if let quantization = manifest.quantization {
            lines.append(
                "Quantized to int8 (\(quantization.scheme), \(quantization.layers) products): macro F1 float32 \(QuantizeCommand.format(quantization.float32.macroF1)), int8 \(QuantizeCommand.format(quantization.int8.macroF1)) on \(quantization.rows) rows (\(quantization.evaluatedOn)); allowed drop \(quantization.maxDrop)"
            )
        }
        if let holdout = manifest.validation?.holdout {
            lines.append("")
            lines.append(
                "Hold-out evaluation (\(holdout.testCount) rows, \(Int(holdout.fraction * 100))% stratified, seed \(manifest.hyperparameters.seed)):"
            )
            lines.append(MetricsTable.classification(holdout.metrics))
        }
        if let cross = manifest.validation?.crossValidation {
            lines.append("")
            lines.append(
                "Cross-validation (\(cross.folds) folds): macro F1 \(MetricsTable.summary(cross.macroF1)), weighted F1 \(MetricsTable.summary(cross.weightedF1))"
            )
        }
        print(lines.joined(separator: "\n"))
    }
}
