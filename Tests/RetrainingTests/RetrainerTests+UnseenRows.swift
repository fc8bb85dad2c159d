import Classifiers
import Foundation
import Testing

/// Rows the stable version trained on never judge it against a candidate.
extension RetrainerTests {
    /// The common case: a new dump holds the rows stable was trained on (the fixture's first
    /// 1,500) and 2,000 new ones. The hold-out is drawn from the new rows only, so the gate
    /// compares the versions on rows neither trained on, and the better-fed candidate passes.
    @Test func anUpdatedDumpWithStablesRowsBecomesACanary() async throws {
        let setup = try Setup()
        let stableTexts = try #require(try ModelArtifact.trainingTexts(at: setup.folder + "/1"))
        #expect(stableTexts.count == Set(Self.later(0..<1_500).map(\.text)).count)
        try setup.drop("dump.csv", Self.later(0..<3_500))
        let record = try #require(await setup.retrainer().poll())
        #expect(record.status == .published && record.version == 2, "\(record.reason ?? "") \(record.figures)")
        let holdout = try LabeledDataset.read(path: setup.folder + "/holdout.jsonl", textColumn: "text", labelColumn: "label")
        #expect(holdout.examples.allSatisfy { !stableTexts.contains($0.text) })
        #expect(abs(holdout.examples.count - 200) <= 3)
        #expect(record.figures["holdout_rows_left_out"] == 0)
        #expect(record.figures["dataset_rows_stable_trained_on"] == Double(Self.later(0..<1_500).count))
        let release = try #require(try await setup.store.release(of: "hate-speech"))
        #expect(release.canary?.version == 2)
        // The new version records its own training rows for the next comparison.
        let candidateTexts = try #require(try ModelArtifact.trainingTexts(at: setup.folder + "/2"))
        #expect(candidateTexts.count == record.figures["training_rows"].map(Int.init))
    }

    /// A dump of rows stable was trained on leaves nothing to compare fairly on: not decided,
    /// with the reason, and no hold-out written from it. An operator's hold-out that holds
    /// stable's rows is judged on its other rows, the count left out reported.
    @Test func rowsStableTrainedOnAreNeverTheComparison() async throws {
        let setup = try Setup()
        try setup.drop("old.csv", Self.later(0..<1_500))
        let old = try #require(await setup.retrainer().poll())
        #expect(old.status == .rejected, "\(old.reason ?? "")")
        #expect(old.reason?.hasPrefix("old.csv: not decided: the hold-out has 0 rows of label") == true, "\(old.reason ?? "")")
        #expect(!FileManager.default.fileExists(atPath: setup.folder + "/holdout.jsonl"))
        let mixed = (Self.later(1_000..<1_200) + Self.later(5_000..<5_400)).map {
            #"{"text": \#(Self.jsonString($0.text)), "label": "\#($0.label)"}"#
        }
        try (mixed.joined(separator: "\n") + "\n").write(
            toFile: setup.folder + "/holdout.jsonl", atomically: true, encoding: .utf8)
        try setup.drop("new.csv", Self.later(1_500..<3_500))
        let record = try #require(await setup.retrainer().poll())
        #expect(record.status == .published, "\(record.reason ?? "")")
        #expect(record.figures["holdout_rows_left_out"] == 200)
        #expect(record.figures["holdout_rows"] == 400)
    }
}
