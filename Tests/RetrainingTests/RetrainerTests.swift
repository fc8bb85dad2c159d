import AWSClient
import Classifiers
import Digests
import Foundation
import Logging
import MagpieTestSupport
import ModelRuntime
import Retraining
import Storage
import Testing

/// Retraining on real data: the fixture artifact (trained on the first 1,500 tweets) is
/// version 1, and datasets of later tweets land in a folder or in moto's S3.
@Suite struct RetrainerTests {
    static let data = ModelFixture.repositoryRoot.appendingPathComponent("data/hate-speech/labeled_data.csv").path
    static let rows = try! LabeledDataset.read(path: data, textColumn: "tweet", labelColumn: "class").examples

    /// A model folder whose version 1 is the fixture, a dataset folder, and a retrainer on them.
    struct Setup {
        let root: URL
        let folder: String
        let datasets: String
        let store = MemoryStore()
        let published = PublishedVersions()

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-retrain-\(UUID().uuidString)")
            folder = root.appendingPathComponent("models/hate-speech").path
            datasets = root.appendingPathComponent("datasets").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: datasets, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: ModelFixture.artifact, toPath: folder + "/1")
        }

        func retrainer(source: (any DatasetSource)? = nil, policy: RetrainPolicy? = nil) -> Retrainer {
            var defaults = RetrainPolicy(source: datasets)
            defaults.maxRegression = 0.05
            let published = published
            return Retrainer(
                model: "hate-speech", folder: folder, policy: policy ?? defaults, source: source ?? FolderSource(path: datasets),
                store: store, logger: Logger(label: "test")
            ) { version, path in published.append(version, path) }
        }

        /// Writes rows as a CSV with the fixture's columns, as a finished file (moved in).
        @discardableResult
        func drop(_ name: String, _ rows: some Sequence<(text: String, label: String)>) throws -> [UInt8] {
            let bytes = Array(RetrainerTests.csv(rows).utf8)
            let partial = root.appendingPathComponent(name + ".partial").path
            try Data(bytes).write(to: URL(fileURLWithPath: partial))
            try FileManager.default.moveItem(atPath: partial, toPath: datasets + "/" + name)
            return bytes
        }
    }

    final class PublishedVersions: @unchecked Sendable {
        private let lock = NSLock()
        private var versions: [(Int, String)] = []
        func append(_ version: Int, _ path: String) { lock.withLock { versions.append((version, path)) } }
        var all: [Int] { lock.withLock { versions.map(\.0) } }
    }

    static func csv(_ rows: some Sequence<(text: String, label: String)>) -> String {
        let lines = rows.map { "\"\($0.text.replacingOccurrences(of: "\"", with: "\"\""))\",\($0.label)" }
        return (["tweet,class"] + lines).joined(separator: "\n") + "\n"
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
    }

    static func later(_ range: Range<Int>) -> [(text: String, label: String)] {
        rows[range].map { ($0.text, $0.label) }
    }

    @Test func aNewDatasetIsTrainedGatedPublishedAndStartedAsACanaryOnce() async throws {
        let setup = try Setup()
        let retrainer = setup.retrainer()
        #expect(await retrainer.poll() == nil)
        let bytes = try setup.drop("2026-12-01.csv", Self.later(1_500..<3_500))
        let record = try #require(await retrainer.poll())
        #expect(record.status == .published && record.version == 2, "\(record.reason ?? "")")
        #expect(setup.published.all == [2])
        let manifest = try ModelArtifact.manifest(at: setup.folder + "/2")
        #expect(manifest.version == "2" && manifest.name == "hate-speech")
        #expect(manifest.trainingData.file == setup.datasets + "/2026-12-01.csv")
        #expect(manifest.trainingData.sha256 == sha256Hex(bytes))
        // The hold-out: a tenth of the dataset, kept with the model, never trained on.
        let holdout = try LabeledDataset.read(path: setup.folder + "/holdout.jsonl", textColumn: "text", labelColumn: "label")
        #expect(abs(holdout.examples.count - 200) <= 3)
        #expect(manifest.trainingData.rowsUsed == 2_000 - holdout.examples.count)
        let figures = record.figures
        #expect((figures["candidate_macro_f1"] ?? 0) >= (figures["stable_macro_f1"] ?? 1) - 0.05, "\(figures)")
        let release = try #require(try await setup.store.release(of: "hate-speech"))
        #expect(release.canary?.version == 2 && release.canary?.weight == 10)
        let decision = try #require(release.decisions.last)
        #expect(
            decision.action == .canaryStarted && decision.automatic && decision.reason.hasPrefix("retrained on 2026-12-01.csv"))
        #expect(release.datasets[sha256Hex(bytes)]?.status == .published)
        // While the canary runs, the next dataset waits.
        try setup.drop("2026-12-02.csv", Self.later(3_500..<4_000))
        #expect(await retrainer.poll() == nil)
        _ = try await setup.store.promote(model: "hate-speech", version: 2, versions: [1, 2])
        // The same file again, under another name, makes no version.
        try FileManager.default.removeItem(atPath: setup.datasets + "/2026-12-02.csv")
        try FileManager.default.copyItem(atPath: setup.datasets + "/2026-12-01.csv", toPath: setup.datasets + "/copy.csv")
        #expect(await retrainer.poll() == nil)
        #expect(!FileManager.default.fileExists(atPath: setup.folder + "/3"))
    }

    @Test func badDataIsRejectedNamingTheFileRowAndField() async throws {
        let setup = try Setup()
        let retrainer = setup.retrainer()
        var rows = Self.later(1_500..<1_700)
        rows[0].label = "7"
        try setup.drop("a-unknown-label.csv", rows)
        let unknown = try #require(await retrainer.poll())
        #expect(unknown.status == .rejected)
        #expect(unknown.reason == "a-unknown-label.csv:2: class '7' is not one of the model's labels (0, 1, 2)")
        try Data("text,label\nhello,1\n".utf8).write(to: URL(fileURLWithPath: setup.datasets + "/b-columns.csv"))
        let columns = try #require(await retrainer.poll())
        #expect(columns.status == .rejected && columns.reason?.contains("b-columns.csv") == true, "\(columns.reason ?? "")")
        #expect(columns.reason?.contains("tweet") == true)
        try setup.drop(
            "c-few.csv",
            Self.later(1_500..<1_700).filter { $0.label != "0" } + Self.later(1_700..<1_712).filter { $0.label == "0" })
        let few = try #require(await retrainer.poll())
        #expect(few.status == .rejected && few.reason?.contains("c-few.csv: label '0' has") == true, "\(few.reason ?? "")")
        #expect(setup.published.all.isEmpty)
        #expect(try ModelCatalog.versions(at: setup.folder).count == 1)
        let release = try #require(try await setup.store.release(of: "hate-speech"))
        #expect(release.datasets.values.map(\.status) == [.rejected, .rejected, .rejected])
        #expect(release.canary == nil && release.stable == 1)
    }

    @Test func aVersionWorseThanStableIsRejectedWithItsFigures() async throws {
        let setup = try Setup()
        // The operator's own hold-out, with true labels; a dataset cannot bring its own.
        let holdout = Self.later(5_000..<5_400).map { #"{"text": \#(Self.jsonString($0.text)), "label": "\#($0.label)"}"# }
        try (holdout.joined(separator: "\n") + "\n").write(
            toFile: setup.folder + "/holdout.jsonl", atomically: true, encoding: .utf8)
        var generator = SeededGenerator(seed: 7)
        let shuffled = Self.later(1_500..<3_000).map { ($0.text, ["0", "1", "2"].randomElement(using: &generator)!) }
        try setup.drop("noise.csv", shuffled)
        let record = try #require(await setup.retrainer().poll())
        #expect(record.status == .rejected && record.reason?.hasPrefix("macro F1") == true, "\(record.reason ?? "")")
        #expect((record.figures["stable_macro_f1"] ?? 0) - (record.figures["candidate_macro_f1"] ?? 1) > 0.05)
        #expect(!FileManager.default.fileExists(atPath: setup.folder + "/2"))
    }

    @Test func aDeadProcessesClaimIsRetakenAndItsStagingFolderReplaced() async throws {
        let setup = try Setup()
        let bytes = try setup.drop("d.csv", Self.later(1_500..<3_000))
        // As a process killed with -9 mid-training leaves it: a claim, and a half-written folder.
        var release = ModelRelease(model: "hate-speech", stable: 1)
        release.datasets[sha256Hex(bytes)] = .init(
            name: "d.csv", status: .training, at: Date(), owner: "\(ProcessInfo.processInfo.hostName):2147483000")
        _ = try #require(try await setup.store.saveRelease(release))
        let staging = setup.folder + "/.staging-" + sha256Hex(bytes).prefix(16)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        try Data("half".utf8).write(to: URL(fileURLWithPath: staging + "/weights.bin"))
        #expect(try ModelCatalog.versions(at: setup.folder).count == 1)
        let record = try #require(await setup.retrainer().poll())
        #expect(record.status == .published && record.version == 2)
        #expect(!FileManager.default.fileExists(atPath: staging))
        _ = try ModelArtifact.load(from: setup.folder + "/2")
    }

    @Test func aLiveProcessesClaimIsLeftAlone() async throws {
        let setup = try Setup()
        let bytes = try setup.drop("e.csv", Self.later(1_500..<1_600))
        var release = ModelRelease(model: "hate-speech", stable: 1)
        // PID 1 always runs.
        release.datasets[sha256Hex(bytes)] = .init(
            name: "e.csv", status: .training, at: Date(), owner: "\(ProcessInfo.processInfo.hostName):1")
        _ = try #require(try await setup.store.saveRelease(release))
        #expect(await setup.retrainer().poll() == nil)
    }

    /// Objects are written and read with moto checking signatures; the listing runs against a
    /// moto with authentication off, since moto's check refuses a ListObjectsV2 with a prefix
    /// even from boto3.
    @Test func datasetsInS3AreTrainedLikeFolders() async throws {
        let signed = try await DynamoDBFixture.environment().merging(
            ["AWS_ENDPOINT_URL_S3": try await DynamoDBFixture.server.string("endpoint")]) { $1 }
        let open = try await HelperProcess.start(
            script: "scripts/aws/moto_with_auth.py", environment: ["MAGPIE_MOTO_AUTH": "off"])
        let environment = try await DynamoDBFixture.environment(open).merging(["AWS_ENDPOINT_URL_S3": try open.string("endpoint")]
        ) {
            $1
        }
        let checked = S3(client: try AWSClient(service: .s3, environment: signed))
        let probe = "magpie-\(UUID().uuidString.prefix(8).lowercased())"
        try await checked.createBucket(probe, deadline: .now + .seconds(120))
        try await checked.putObject(bucket: probe, key: "datasets/a.csv", body: Array("x".utf8), deadline: .now + .seconds(120))
        #expect(
            try await checked.getObject(bucket: probe, key: "datasets/a.csv", deadline: .now + .seconds(120)) == Array("x".utf8))
        let s3 = S3(client: try AWSClient(service: .s3, environment: environment))
        let bucket = "magpie-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket, deadline: .now + .seconds(120))
        let setup = try Setup()
        let csv = Array(Self.csv(Self.later(1_500..<3_500)).utf8)
        try await s3.putObject(
            bucket: bucket, key: "datasets/hate-speech/2026-12/first.csv", body: csv, deadline: .now + .seconds(120))
        try await s3.putObject(
            bucket: bucket, key: "datasets/hate-speech/readme.txt", body: Array("not data".utf8), deadline: .now + .seconds(120))
        try await s3.putObject(bucket: bucket, key: "datasets/other/x.csv", body: csv, deadline: .now + .seconds(120))
        let source = try DatasetSources.make("s3://\(bucket)/datasets/hate-speech/", environment: environment)
        #expect(try await source.list() == ["datasets/hate-speech/2026-12/first.csv"])
        let record = try #require(await setup.retrainer(source: source).poll())
        #expect(record.status == .published && record.version == 2, "\(record.reason ?? "")")
        let manifest = try ModelArtifact.manifest(at: setup.folder + "/2")
        #expect(manifest.trainingData.file == "s3://\(bucket)/datasets/hate-speech/2026-12/first.csv")
        #expect(manifest.trainingData.sha256 == sha256Hex(csv))
    }

    @Test func mergeTrainsOnEveryPublishedDatasetAndTheNewOne() async throws {
        let setup = try Setup()
        var policy = RetrainPolicy(source: setup.datasets)
        policy.maxRegression = 0.2
        policy.merge = true
        let retrainer = setup.retrainer(policy: policy)
        try setup.drop("a.csv", Self.later(1_500..<2_500))
        let first = try #require(await retrainer.poll())
        #expect(first.version == 2, "\(first.reason ?? "")")
        _ = try await setup.store.promote(model: "hate-speech", version: 2, versions: [1, 2])
        try setup.drop("b.csv", Self.later(2_500..<3_000))
        let second = try #require(await retrainer.poll())
        #expect(second.version == 3, "\(second.reason ?? "")")
        let holdout = try LabeledDataset.read(path: setup.folder + "/holdout.jsonl", textColumn: "text", labelColumn: "label")
        // a.csv less its hold-out (made from it), and all of b.csv.
        let manifest = try ModelArtifact.manifest(at: setup.folder + "/3")
        #expect(manifest.trainingData.rowsUsed == 1_000 - holdout.examples.count + 500)
    }
}
