import Classifiers
import Foundation
import Testing

/// Heads over embeddings: fitting, the version-2 artifact that stores them, and the check that
/// the recorded encoder is still the one the head was trained on.
@Suite struct EmbeddingHeadTests {
    static let labels = LabelSet(labels: [.init(value: "neg", name: "negative"), .init(value: "pos", name: "positive")])

    /// Unit vectors in 8 dimensions; the class decides the sign of the first component.
    static func separableEmbeddings(count: Int) -> (embeddings: [[Float]], labels: [Int]) {
        var generator = SeededGenerator(seed: 3)
        var embeddings: [[Float]] = []
        var labels: [Int] = []
        for index in 0..<count {
            let label = index % 2
            var vector = (0..<8).map { _ in Float.random(in: -1...1, using: &generator) }
            vector[0] = (label == 1 ? 1 : -1) * Float.random(in: 0.5...1, using: &generator)
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            embeddings.append(vector.map { $0 / norm })
            labels.append(label)
        }
        return (embeddings, labels)
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("magpie-head-\(UUID().uuidString)")
    }

    /// A stand-in encoder folder: the record only checks files, so any bytes do.
    static func encoderFolder() throws -> URL {
        let folder = temporaryDirectory()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(#"{"model_type": "bert"}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        try Data((0..<4096).map { UInt8($0 % 251) }).write(to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    static func trainedArtifact(encoder: URL) throws -> ModelArtifact {
        let data = separableEmbeddings(count: 200)
        let parameters = LogisticRegressionParameters(naiveBayesScaling: false)
        let head = EmbeddingHeadTrainer(parameters: parameters).fit(data.embeddings, labels: data.labels, labelSet: labels) {
            _, _ in
        }.model
        let record = EncoderRecord(
            path: encoder.path, bundled: false, modelType: "bert", dimensions: 8, pooling: "mean", normalize: true,
            maxLength: 256, longTexts: "windows", files: try EncoderRecord.checksums(of: encoder))
        let dataset = LabeledDataset(
            path: "/tmp/e.csv", examples: [], skipped: .init(), sha256: String(repeating: "0", count: 64))
        let manifest = ModelManifest(
            name: "head", version: "1", labels: labels, parameters: parameters, seed: 42, encoder: record,
            trainingData: .init(dataset: dataset, textColumn: "text", labelColumn: "label"), validation: nil,
            createdAt: "2026-01-01T00:00:00Z")
        return ModelArtifact(manifest: manifest, model: .embeddingHead(head))
    }

    @Test func aHeadLearnsSeparableEmbeddingsAndValidatesThroughThePipeline() throws {
        let data = Self.separableEmbeddings(count: 300)
        let pipeline = TrainingPipeline(
            trainer: EmbeddingHeadTrainer(parameters: LogisticRegressionParameters(inverseRegularization: 100)), folds: 3,
            holdoutFraction: 0.2)
        let outcome = try pipeline.run(inputs: data.embeddings, labels: data.labels, labelSet: Self.labels)
        #expect(outcome.model.dimensions == 8)
        #expect(try #require(outcome.validation?.holdout).metrics.accuracy >= 0.95)
        #expect(try #require(outcome.validation?.crossValidation).accuracy.mean >= 0.95)
        let predicted = data.embeddings.map { outcome.model.predict($0).labelIndex }
        #expect(zip(predicted, data.labels).filter { $0 != $1 }.count <= 3)
    }

    @Test func roundTripsAsAVersionTwoArtifactWithoutFeatures() throws {
        let encoder = try Self.encoderFolder()
        let artifact = try Self.trainedArtifact(encoder: encoder)
        let path = Self.temporaryDirectory().path
        let saved = try artifact.save(to: path)
        let loaded = try ModelArtifact.load(from: path)
        #expect(loaded.manifest == saved && saved.formatVersion == 2 && saved.features == nil)
        #expect(loaded.textClassifier == nil)
        guard case .embeddingHead(let head) = loaded.model, case .embeddingHead(let original) = artifact.model else {
            Issue.record("not an embedding head after loading")
            return
        }
        #expect(head == original)
        try saved.encoder?.verify(artifactPath: path)
    }

    @Test func aBundledEncoderIsCopiedAndCheckedInsideTheArtifact() throws {
        let encoder = try Self.encoderFolder()
        var artifact = try Self.trainedArtifact(encoder: encoder)
        var manifest = artifact.manifest
        manifest.encoder?.bundled = true
        manifest.encoder?.path = ModelArtifact.bundledEncoderFolder
        artifact = ModelArtifact(manifest: manifest, model: artifact.model)
        let path = Self.temporaryDirectory().path
        let saved = try artifact.save(to: path, encoderSource: encoder)
        try FileManager.default.removeItem(at: encoder)
        let record = try #require(saved.encoder)
        #expect(record.directory(artifactPath: path).path == path + "/encoder")
        try record.verify(artifactPath: path)
    }

    @Test func aChangedAddedToOrMissingEncoderIsRefused() throws {
        let encoder = try Self.encoderFolder()
        let path = Self.temporaryDirectory().path
        let record = try #require(try Self.trainedArtifact(encoder: encoder).save(to: path).encoder)

        let weights = encoder.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[100] ^= 1
        try bytes.write(to: weights)
        #expect(throws: ArtifactError.encoderChanged(path: path, encoder: encoder.path, file: "model.safetensors")) {
            try record.verify(artifactPath: path)
        }
        bytes[100] ^= 1
        try bytes.write(to: weights)
        try record.verify(artifactPath: path)

        try Data("[PAD]\n".utf8).write(to: encoder.appendingPathComponent("vocab.txt"))
        #expect(throws: ArtifactError.encoderChanged(path: path, encoder: encoder.path, file: "vocab.txt")) {
            try record.verify(artifactPath: path)
        }
        try FileManager.default.removeItem(at: encoder)
        #expect(throws: ArtifactError.encoderMissing(path: path, encoder: encoder.path)) {
            try record.verify(artifactPath: path)
        }
    }
}
