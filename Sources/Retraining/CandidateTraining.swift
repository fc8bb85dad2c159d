import Classifiers
import Digests
import Foundation
import ModelRuntime
import TextFeatures

/// Trains a candidate version from a dataset with the stable version's recipe, scores both on
/// the hold-out, and writes the candidate as the next numbered version if it passes the gate.
struct CandidateTraining {
    let model: String
    /// The model's folder, holding its numbered versions and `holdout.jsonl`.
    let folder: String
    let policy: RetrainPolicy
    let source: any DatasetSource

    struct Published {
        var version: Int
        var path: String
        var figures: [String: Double]
    }

    enum Outcome {
        case published(Published)
        case rejected(reason: String, figures: [String: Double])
    }

    /// - Parameters:
    ///   - datasets: earlier published datasets (when merging) and then the new one, as
    ///     (name, bytes); the last is the new one.
    ///   - stablePath: the stable version's folder.
    func run(datasets: [(name: String, bytes: [UInt8])], sha256: String, stablePath: String) throws -> Outcome {
        let recipe = try ModelArtifact.manifest(at: stablePath)
        guard !recipe.isFineTunedEncoder else {
            throw RetrainingError.unsupportedRecipe(
                model: model, reason: "its stable version is a fine-tuned encoder; retrain it with `magpie train --fine-tune`")
        }
        guard !recipe.isEnsemble else {
            throw RetrainingError.unsupportedRecipe(
                model: model, reason: "its stable version is an ensemble; retrain it with `magpie train --fine-tune --ensemble`")
        }
        let stable = try ModelArtifact.load(from: stablePath)
        guard let stableClassifier = stable.textClassifier, let features = stable.manifest.features else {
            throw RetrainingError.unsupportedRecipe(
                model: model, reason: "its stable version is an encoder head; retrain it with `magpie train --encoder`")
        }
        let manifest = stable.manifest
        let algorithm: TrainingAlgorithm
        if let parameters = manifest.hyperparameters.logisticRegression {
            algorithm = .logisticRegression(parameters)
        } else if let parameters = manifest.hyperparameters.naiveBayes {
            algorithm = .naiveBayes(parameters)
        } else {
            throw RetrainingError.unsupportedRecipe(model: model, reason: "its manifest records no training algorithm")
        }
        let labels = LabelSet(labels: manifest.labels)
        let parsed = try datasets.map { try parse($0.bytes, name: $0.name, manifest: manifest, labels: labels) }
        let newest = parsed.last!
        let seen = try ModelArtifact.trainingTexts(at: stablePath)
        let existing = try Holdout.load(in: folder)
        let kept =
            existing
            ?? Holdout.draw(
                from: newest, labels: labels, fraction: policy.holdoutFraction, seed: manifest.hyperparameters.seed,
                excluding: seen)
        let heldOut = kept.texts
        let training = (policy.merge ? parsed : [newest]).flatMap(\.examples).filter { !heldOut.contains($0.text) }
        let indices = training.map { labels.index(ofValue: $0.label)! }
        for (index, label) in labels.labels.enumerated() {
            let rows = indices.count { $0 == index }
            if rows < policy.minimumRowsPerLabel {
                throw RetrainingError.tooFewRows(
                    file: datasets.last!.name, label: label.value, rows: rows, minimum: policy.minimumRowsPerLabel)
            }
        }
        let (holdout, leftOut) = try unseen(kept, by: seen, labels: labels, file: datasets.last!.name)
        if existing == nil { try kept.write(in: folder) }
        var featurizer = TextFeaturizer(configuration: features)
        let documents = training.map { featurizer.termCounts(of: $0.text) }
        let trainer = ModelTrainer(algorithm: algorithm, features: features)
        let candidate = trainer.fit(documents: documents, labels: indices, labelSet: labels).classifier
        let candidateF1 = holdout.macroF1(of: candidate)
        let stableF1 = holdout.macroF1(of: stableClassifier)
        let figures = [
            "candidate_macro_f1": candidateF1, "stable_macro_f1": stableF1, "training_rows": Double(training.count),
            "holdout_rows": Double(holdout.examples.count), "holdout_rows_left_out": Double(leftOut),
            "dataset_rows_stable_trained_on": Double(seen.map { seen in newest.examples.count { seen.contains($0.text) } } ?? 0),
            "stable_training_texts_recorded": seen == nil ? 0 : 1,
        ]
        if candidateF1 < stableF1 - policy.maxRegression {
            return .rejected(
                reason:
                    "macro F1 \(Self.format(candidateF1)) on the hold-out against stable's \(Self.format(stableF1)) (allowed: \(Self.format(policy.maxRegression)) less)",
                figures: figures)
        }
        let version = ModelCatalog.nextVersion(at: folder)
        let staging = folder + "/.staging-" + sha256.prefix(16)
        try? FileManager.default.removeItem(atPath: staging)
        var record = ModelManifest.TrainingDataRecord(
            dataset: newest, textColumn: manifest.trainingData.textColumn, labelColumn: manifest.trainingData.labelColumn)
        record.file = source.location(of: datasets.last!.name)
        record.rowsUsed = training.count
        let candidateManifest = ModelManifest(
            name: manifest.name, version: String(version), labels: labels, algorithm: algorithm,
            seed: manifest.hyperparameters.seed, features: features, featureCount: candidate.featureSpace.count,
            trainingData: record, validation: nil, createdAt: CreationTime.timestamp())
        _ = try ModelArtifact(
            manifest: candidateManifest, classifier: candidate, trainingTexts: TrainingTexts(training.map(\.text))
        ).save(to: staging)
        // A rename is atomic: a process killed before it leaves only the staging folder, which
        // the next attempt replaces; discovery never sees a half-written version.
        let path = folder + "/" + String(version)
        try FileManager.default.moveItem(atPath: staging, toPath: path)
        return .published(Published(version: version, path: path, figures: figures))
    }

    /// The hold-out's rows that stable did not train on, by which the versions are compared,
    /// and how many it did; refused when a label has too few of them for the comparison to mean
    /// anything.
    func unseen(_ kept: Holdout, by seen: TrainingTexts?, labels: LabelSet, file: String) throws -> (
        holdout: Holdout, leftOut: Int
    ) {
        let (unseen, leftOut) = kept.unseen(by: seen)
        for label in labels.labels {
            let rows = unseen.examples.count { $0.label == label.value }
            if rows < policy.minimumHoldoutRowsPerLabel {
                throw RetrainingError.tooFewUnseenRows(
                    file: file, label: label.value, rows: rows, minimum: policy.minimumHoldoutRowsPerLabel, leftOut: leftOut)
            }
        }
        return (unseen, leftOut)
    }

    /// The dataset's rows, every label one of the model's; errors name the file, row and field.
    func parse(_ bytes: [UInt8], name: String, manifest: ModelManifest, labels: LabelSet) throws -> LabeledDataset {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-retrain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = String(name.split(separator: "/").last ?? Substring(name))
        let path = directory.appendingPathComponent(base).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let dataset: LabeledDataset
        do {
            dataset = try LabeledDataset.read(
                path: path, textColumn: manifest.trainingData.textColumn, labelColumn: manifest.trainingData.labelColumn)
        } catch {
            throw RetrainingError.badData(
                "\(error)".replacingOccurrences(of: directory.path + "/", with: ""))
        }
        for example in dataset.examples where labels.index(ofValue: example.label) == nil {
            throw RetrainingError.unknownLabel(
                file: name, line: example.line, column: manifest.trainingData.labelColumn, label: example.label,
                known: labels.labels.map(\.value))
        }
        return dataset
    }

    static func format(_ value: Double) -> String { String(format: "%.4f", value) }
}
