import Classifiers
import Encoders
import Foundation
import ModelRuntime

/// `magpie quantize`: an encoder model's copy with int8 encoder layers (`EncoderQuantization`),
/// published only if its macro F1 on the evaluation rows is within `maxDrop` of the float32
/// model's. The copy is a Magpie artifact like any other (manifest, checksums), so every
/// command takes it; an encoder head's encoder is bundled into it, quantized.
public enum ArtifactQuantizer {
    public static func quantize(
        model path: String, output: String, rows: EvaluationRows, maxDrop: Double,
        progress: (_ message: String) -> Void = { _ in }
    ) throws -> ModelManifest {
        var manifest = try ModelArtifact.verifiedManifest(at: path)
        guard manifest.quantization == nil else { throw QuantizationError.alreadyQuantized(path: path) }
        guard !manifest.isEnsemble, var encoder = manifest.encoder else {
            throw QuantizationError.notAnEncoderModel(path: path, kind: ModelKind(manifest: manifest).rawValue)
        }
        let staged = try ModelArtifact.stagingFolder(for: output)
        do {
            let source = URL(fileURLWithPath: path)
            let encoderSource = encoder.directory(artifactPath: path)
            // A fine-tuned encoder is the artifact's own folder; a head's encoder is bundled.
            let encoderTarget =
                manifest.isFineTunedEncoder ? staged : staged.appendingPathComponent(ModelArtifact.bundledEncoderFolder)
            var skipped: Set<String> = [ModelArtifact.manifestFile, "model.safetensors"]
            if encoder.bundled && !manifest.isFineTunedEncoder { skipped.insert(encoder.path) }
            for file in try FileManager.default.contentsOfDirectory(atPath: path) where !skipped.contains(file) {
                try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: staged.appendingPathComponent(file))
            }
            if !manifest.isFineTunedEncoder {
                for file in encoder.files.keys.sorted() where file != "model.safetensors" {
                    let target = encoderTarget.appendingPathComponent(file)
                    try FileManager.default.createDirectory(
                        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try FileManager.default.copyItem(at: encoderSource.appendingPathComponent(file), to: target)
                }
                encoder.path = ModelArtifact.bundledEncoderFolder
                encoder.bundled = true
            }
            progress("quantizing \(encoderSource.appendingPathComponent("model.safetensors").path)")
            let (data, summary) = try EncoderQuantization.quantize(
                SafetensorsFile(path: encoderSource.appendingPathComponent("model.safetensors").path))
            try data.write(to: encoderTarget.appendingPathComponent("model.safetensors"))
            encoder.files = try EncoderRecord.checksums(of: encoderTarget)
            manifest.encoder = encoder
            manifest.formatVersion = 5
            try ModelArtifact.writeManifest(manifest, in: staged)

            progress("scoring float32 and int8 on \(rows.texts.count) rows (\(rows.source))")
            let float32 = try metrics(of: path, on: rows, labels: manifest.labels)
            let int8 = try metrics(of: staged.path, on: rows, labels: manifest.labels)
            guard float32.macroF1 - int8.macroF1 <= maxDrop else {
                throw QuantizationError.accuracyDropped(
                    float32: float32.macroF1, int8: int8.macroF1, maxDrop: maxDrop, rows: rows.texts.count)
            }
            manifest.quantization = QuantizationRecord(
                layers: summary.layers, evaluatedOn: rows.source, rows: rows.texts.count, float32: float32, int8: int8,
                maxDrop: maxDrop)
            try ModelArtifact.writeManifest(manifest, in: staged)
        } catch {
            try? FileManager.default.removeItem(at: staged)
            throw error
        }
        try ModelArtifact.publish(staged, to: output)
        return manifest
    }

    static func metrics(of path: String, on rows: EvaluationRows, labels: [LabelSet.Label]) throws -> ClassificationMetrics {
        let predicted = try ArtifactModel.load(from: path).predictions(for: rows.texts).map(\.prediction.labelIndex)
        return ClassificationMetrics(truth: rows.labels, predicted: predicted, labels: labels.map(\.name))
    }
}
