import ArgumentParser
import Classifiers
import Encoders
import FineTuning
import Foundation

extension TrainCommand {
    /// `train --encoder DIR --fine-tune`: trains every weight of the encoder with a
    /// classification head, validates after each epoch on a stratified split, and writes the
    /// best epoch as a Hugging Face folder.
    func fineTune(encoder path: String, dataset: LabeledDataset, labelSet: LabelSet, labels: [Int]) throws {
        let source = URL(fileURLWithPath: path)
        let settings = try fineTuningSettings()
        let workers = threads ?? ProcessInfo.processInfo.activeProcessorCount
        ComputeThreads.set(workers)
        AllocatorTuning.applyForTraining()
        Progress.say("loading encoder \(path) for fine-tuning (\(labelSet.count) labels, \(workers) threads)")
        let network = try SequenceClassifierNetwork.load(
            directory: source, labelCount: labelSet.count, seed: settings.seed, threads: workers)
        let tokenizer: WordPieceTokenizer
        do { tokenizer = try WordPieceTokenizer(directory: source) } catch { throw EncoderError.tokenizer(error) }
        let maxLength = min(settings.maxLength, network.layout.configuration.maxPositions)
        let encoded = dataset.examples.map { tokenizer.encode($0.text, maxLength: maxLength) }
        let truncated = encoded.filter(\.isTruncated).count
        Progress.say(
            "tokenized \(encoded.count) texts at \(maxLength) tokens: \(truncated) cut, \(encoded.map(\.ids.count).reduce(0, +) / max(encoded.count, 1)) tokens on average"
        )
        let split =
            validation > 0
            ? StratifiedSplit.holdout(labels: labels, classCount: labelSet.count, fraction: validation, seed: settings.seed)
            : (train: Array(labels.indices), test: [])
        func examples(_ indices: [Int]) -> FineTuner.Examples {
            FineTuner.Examples(sequences: indices.map { encoded[$0].ids }, labels: indices.map { labels[$0] })
        }
        let tuner = try FineTuner(
            network: network, settings: settings, labelNames: labelSet.names, training: examples(split.train),
            validation: split.test.isEmpty ? nil : examples(split.test))
        Progress.say(
            "fine-tuning on \(split.train.count) texts, validating on \(split.test.count): \(settings.epochs) epochs of \(tuner.totalSteps / settings.epochs) steps, batch \(settings.batchSize), learning rate \(settings.learningRate)"
        )
        let checkpoint = Self.checkpointFolder(for: output)
        if resume {
            guard FileManager.default.fileExists(atPath: checkpoint.path) else {
                throw ValidationError("--resume: no checkpoint at \(checkpoint.path); run without --resume to start afresh")
            }
            try tuner.resume(from: checkpoint, dataFingerprint: dataset.sha256)
            Progress.say(
                "resuming from \(checkpoint.path) after step \(tuner.completedSteps) of \(tuner.totalSteps)"
            )
        }
        let interrupt = InterruptFlag { Progress.say("interrupted: saving a checkpoint after this step") }
        var lastLine = ContinuousClock.now - .seconds(60)
        let outcome = try tuner.run(
            onStep: { step in
                guard ContinuousClock.now - lastLine >= .seconds(5) || step.step == step.totalSteps else { return }
                lastLine = .now
                Progress.say(FineTuningProgress.stepLine(step))
            },
            onEpoch: { epoch in
                Progress.say(FineTuningProgress.epochLine(epoch))
                if epoch.epoch < settings.epochs {
                    do { try tuner.writeCheckpoint(to: checkpoint, dataFingerprint: dataset.sha256) } catch {
                        Progress.say("\(error); training goes on")
                    }
                }
            },
            shouldStop: { interrupt.isRaised })
        guard case .finished(let reports) = outcome else {
            try tuner.writeCheckpoint(to: checkpoint, dataFingerprint: dataset.sha256)
            Progress.say("checkpoint written to \(checkpoint.path); run the same command with --resume to go on")
            throw ExitCode(130)
        }
        Progress.say("writing \(output)")
        let kept = reports.last(where: \.isBest)?.validation
        let validationReport = kept.map { metrics in
            ValidationReport(
                holdout: .init(
                    fraction: validation, trainCount: split.train.count, testCount: split.test.count, metrics: metrics))
        }
        // With --ensemble the encoder is one member of an artifact built beside --output.
        let staging = ensemble ? try ModelArtifact.stagingFolder(for: output) : nil
        let modelName = name ?? URL(fileURLWithPath: output).standardizedFileURL.lastPathComponent
        let encoderFolder =
            staging?.appendingPathComponent(Self.ensembleEncoderFolder) ?? URL(fileURLWithPath: output)
        do {
            try HuggingFaceFolder.write(
                network, labelNames: labelSet.names, maxLength: maxLength, source: source, to: encoderFolder
            ) { folder in
                let configuration = network.layout.configuration
                let encoder = EncoderRecord(
                    path: ".", bundled: true, modelType: configuration.family.rawValue,
                    dimensions: configuration.hiddenSize, pooling: "cls", normalize: false, maxLength: maxLength,
                    longTexts: TextEncoder.LongTexts.truncate.rawValue, files: try EncoderRecord.checksums(of: folder))
                let manifest = ModelManifest(
                    name: staging == nil ? modelName : modelName + "-encoder", version: modelVersion, labels: labelSet,
                    settings: settings, encoder: encoder,
                    trainingData: .init(
                        dataset: dataset, textColumn: dataOptions.textColumn, labelColumn: dataOptions.labelColumn),
                    validation: validationReport, createdAt: CreationTime.timestamp())
                try ModelArtifact.writeManifest(manifest, in: folder)
            }
            if let staging {
                _ = try buildEnsemble(
                    EnsembleInputs(staging: staging, dataset: dataset, labelSet: labelSet, labels: labels, split: split),
                    workers: workers)
            }
        } catch {
            if let staging { try? FileManager.default.removeItem(at: staging) }
            throw error
        }
        try? FileManager.default.removeItem(at: checkpoint)
        if let best = reports.last(where: \.isBest), let metrics = best.validation {
            print("Validation (epoch \(best.epoch) of \(reports.count), the one kept):")
            print(MetricsTable.classification(metrics))
        }
        if staging != nil, let metrics = try ModelArtifact.manifest(at: output).validation?.holdout?.metrics {
            print("Validation of the ensemble:")
            print(MetricsTable.classification(metrics))
        }
        print(
            "Fine-tuned \(URL(fileURLWithPath: output).standardizedFileURL.path) in \(String(format: "%.0f", reports.map(\.seconds).reduce(0, +))) s; peak memory \(FineTuningProgress.peakMemoryMegabytes()) MB"
        )
    }

    func fineTuningSettings() throws -> FineTuningSettings {
        var settings = FineTuningSettings()
        settings.epochs = epochs
        settings.batchSize = batchSize ?? 16
        settings.learningRate = learningRate
        settings.maxLength = maxLength
        settings.warmup = warmup
        settings.weightDecay = weightDecay
        settings.balancedClassWeights = classWeighting == .balanced
        settings.seed = seed
        settings.validation = validation
        try settings.validate()
        return settings
    }

    /// Where a run's checkpoint lives: a hidden folder beside `--output`, which a models
    /// folder's listing skips.
    static func checkpointFolder(for output: String) -> URL {
        let destination = URL(fileURLWithPath: output).standardizedFileURL
        return destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).checkpoint")
    }
}
