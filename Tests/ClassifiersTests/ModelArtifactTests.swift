import Classifiers
import Foundation
import Testing
import TextFeatures

@Suite struct ModelArtifactTests {
    static func trainedArtifact() -> ModelArtifact {
        let configuration = FeatureConfiguration(minimumDocumentFrequency: 1)
        let trainer = ModelTrainer(algorithm: .logisticRegression(.init()), features: configuration)
        let classifier = trainer.fit(
            documents: ToyCorpus.documents(configuration), labels: ToyCorpus.labels, labelSet: ToyCorpus.labelSet
        )
        .classifier
        let dataset = LabeledDataset(
            path: "/tmp/toy.csv", examples: [], skipped: .init(), sha256: String(repeating: "0", count: 64))
        let manifest = ModelManifest(
            name: "toy", version: "1", labels: ToyCorpus.labelSet, algorithm: trainer.algorithm, seed: 42,
            features: configuration, featureCount: classifier.featureSpace.count,
            trainingData: .init(dataset: dataset, textColumn: "text", labelColumn: "label"), validation: nil,
            createdAt: "2026-01-01T00:00:00Z")
        return ModelArtifact(manifest: manifest, classifier: classifier)
    }

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("magpie-artifact-\(UUID().uuidString)").path
    }

    @Test func roundTripsPredictionsExactly() throws {
        let path = temporaryPath()
        let artifact = Self.trainedArtifact()
        let saved = try artifact.save(to: path)
        #expect(saved.files[ModelArtifact.weightsFile]?.bytes ?? 0 > 0)
        let loaded = try ModelArtifact.load(from: path)
        #expect(loaded.manifest == saved)
        for text in ToyCorpus.texts.prefix(10) + ["unseen words entirely", "great 😂"] {
            #expect(
                try #require(loaded.textClassifier).predict(text).probabilities
                    == artifact.textClassifier?.predict(text).probabilities)
        }
        let siblings = try FileManager.default.contentsOfDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.hasPrefix(".\(URL(fileURLWithPath: path).lastPathComponent).") })
    }

    @Test func detectsAFlippedByte() throws {
        let path = temporaryPath()
        _ = try Self.trainedArtifact().save(to: path)
        let weights = URL(fileURLWithPath: path).appendingPathComponent(ModelArtifact.weightsFile)
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: weights)
        #expect(throws: ArtifactError.checksumMismatch(path: path, file: ModelArtifact.weightsFile)) {
            try ModelArtifact.load(from: path)
        }
    }

    @Test func detectsTruncation() throws {
        let path = temporaryPath()
        let saved = try Self.trainedArtifact().save(to: path)
        let weights = URL(fileURLWithPath: path).appendingPathComponent(ModelArtifact.weightsFile)
        try Data(try Data(contentsOf: weights).prefix(100)).write(to: weights)
        let expected = saved.files[ModelArtifact.weightsFile]!.bytes
        #expect(throws: ArtifactError.sizeMismatch(path: path, file: ModelArtifact.weightsFile, expected: expected, found: 100)) {
            try ModelArtifact.load(from: path)
        }
    }

    @Test func refusesANewerFormat() throws {
        let path = temporaryPath()
        _ = try Self.trainedArtifact().save(to: path)
        let manifestURL = URL(fileURLWithPath: path).appendingPathComponent(ModelArtifact.manifestFile)
        let text = try String(contentsOf: manifestURL, encoding: .utf8).replacingOccurrences(
            of: "\"formatVersion\" : 1", with: "\"formatVersion\" : \(ModelManifest.currentFormatVersion + 1)")
        try text.write(to: manifestURL, atomically: true, encoding: .utf8)
        #expect(
            throws: ArtifactError.newerFormat(
                path: path, found: ModelManifest.currentFormatVersion + 1, supported: ModelManifest.currentFormatVersion)
        ) { try ModelArtifact.load(from: path) }
    }

    @Test func reportsMissingPiecesAndForeignDirectories() throws {
        let path = temporaryPath()
        #expect(throws: ArtifactError.notFound(path: path)) { try ModelArtifact.load(from: path) }
        _ = try Self.trainedArtifact().save(to: path)
        try FileManager.default.removeItem(atPath: path + "/" + ModelArtifact.weightsFile)
        #expect(throws: ArtifactError.missingFile(path: path, file: ModelArtifact.weightsFile)) {
            try ModelArtifact.load(from: path)
        }
        try "{\"hello\": 1}".write(toFile: path + "/" + ModelArtifact.manifestFile, atomically: true, encoding: .utf8)
        #expect(throws: ArtifactError.notAMagpieModel(path: path)) { try ModelArtifact.load(from: path) }
    }

    @Test func replacesAModelButNeverAForeignDirectory() throws {
        let path = temporaryPath()
        _ = try Self.trainedArtifact().save(to: path)
        _ = try Self.trainedArtifact().save(to: path)
        #expect(try ModelArtifact.load(from: path).manifest.name == "toy")
        let foreign = temporaryPath()
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "keep me".write(toFile: foreign + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(throws: ArtifactError.outputIsNotAModel(path: foreign)) { try Self.trainedArtifact().save(to: foreign) }
        #expect(FileManager.default.fileExists(atPath: foreign + "/notes.txt"))
    }

    @Test func sameInputsGiveByteIdenticalArtifacts() throws {
        let first = temporaryPath()
        let second = temporaryPath()
        _ = try Self.trainedArtifact().save(to: first)
        _ = try Self.trainedArtifact().save(to: second)
        for file in [ModelArtifact.weightsFile, ModelArtifact.manifestFile] {
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: first + "/" + file))
                    == Data(contentsOf: URL(fileURLWithPath: second + "/" + file)))
        }
    }
}
