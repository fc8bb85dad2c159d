import Foundation
import Testing

@Suite(.serialized) struct BadInputTests {
    func train(_ data: String, _ extra: [String] = [], output: String) async throws -> MagpieProcess.Result {
        try await MagpieProcess.run(
            ["train", "--data", data, "--text-column", "text", "--label-column", "label", "--output", output] + extra)
    }

    /// Trains a two-class model at `m` in `workspace` from ten alternating rows.
    func trainSmallModel(in workspace: Workspace) async throws {
        let rows = (0..<10).map { "text \($0) \($0 % 2 == 0 ? "good" : "bad"),\($0 % 2)" }
        let data = try workspace.write("d.csv", "text,label\n" + rows.joined(separator: "\n") + "\n")
        #expect(try await train(data, output: workspace.path("m")).status == 0)
    }

    @Test func missingFile() async throws {
        let workspace = try Workspace()
        let result = try await train(workspace.path("nope.csv"), output: workspace.path("m"))
        #expect(result.status != 0)
        #expect(result.standardError.contains("nope.csv: no such file"))
        #expect(!FileManager.default.fileExists(atPath: workspace.path("m")))
    }

    @Test func missingColumnListsTheColumns() async throws {
        let workspace = try Workspace()
        let data = try workspace.write("d.csv", "txt,label\nhello,a\nbye,b\n")
        let result = try await train(data, output: workspace.path("m"))
        #expect(result.status != 0)
        #expect(result.standardError.contains("no column 'text'; the file has: 'txt', 'label'"))
    }

    @Test func raggedRowNamesTheLine() async throws {
        let workspace = try Workspace()
        let data = try workspace.write("d.csv", "text,label\nhello,a\nbye,b,extra\n")
        let result = try await train(data, output: workspace.path("m"))
        #expect(result.status != 0)
        #expect(result.standardError.contains("d.csv:3: expected 2 fields as in the header, found 3"))
    }

    @Test func emptyTextNamesLineAndFieldOrIsSkippedAndCounted() async throws {
        let workspace = try Workspace()
        let rows = (0..<20).map { "text \($0) \($0 % 2 == 0 ? "good" : "bad"),\($0 % 2)" }
        let data = try workspace.write(
            "d.csv",
            "text,label\n" + rows.prefix(5).joined(separator: "\n") + "\n\"   \",1\n" + rows.dropFirst(5).joined(separator: "\n")
                + "\n")
        let failed = try await train(data, output: workspace.path("m"))
        #expect(failed.status != 0)
        #expect(failed.standardError.contains("d.csv:7: field 'text' is empty or only whitespace"))
        let report = workspace.path("r.json")
        let skipped = try await train(data, ["--skip-invalid-rows", "--report", report], output: workspace.path("m"))
        #expect(skipped.status == 0, "\(skipped.standardError)")
        #expect(skipped.standardOutput.contains("1 rows skipped"))
        let json = try String(contentsOfFile: report, encoding: .utf8)
        #expect(json.contains("\"emptyText\" : 1"))
    }

    @Test func invalidUTF8NamesLineAndField() async throws {
        let workspace = try Workspace()
        var bytes = Data("text,label\nfine,a\n".utf8)
        bytes.append(contentsOf: [0xFF, 0xFE])
        bytes.append(Data(",b\n".utf8))
        try bytes.write(to: URL(fileURLWithPath: workspace.path("d.csv")))
        let result = try await train(workspace.path("d.csv"), output: workspace.path("m"))
        #expect(result.status != 0)
        #expect(result.standardError.contains("d.csv:3: field 1 is not valid UTF-8"))
    }

    @Test func emptyFile() async throws {
        let workspace = try Workspace()
        let data = try workspace.write("d.csv", "")
        let result = try await train(data, output: workspace.path("m"))
        #expect(result.status != 0)
        #expect(result.standardError.contains("d.csv: the file is empty"))
    }

    @Test func classSmallerThanTheFolds() async throws {
        let workspace = try Workspace()
        let rows = (0..<12).map { "text \($0),a" } + ["rare one,b", "rare two,b"]
        let data = try workspace.write("d.csv", "text,label\n" + rows.joined(separator: "\n") + "\n")
        let result = try await train(data, ["--folds", "5"], output: workspace.path("m"))
        #expect(result.status != 0)
        #expect(result.standardError.contains("class 'b' has 2 examples, fewer than the 5 folds asked for"))
    }

    @Test func badOptionValues() async throws {
        let workspace = try Workspace()
        let data = try workspace.write("d.csv", "text,label\na,1\nb,2\n")
        for (options, message) in [
            (["--holdout", "1.5"], "--holdout must be a fraction between 0 and 1"),
            (["--folds", "1"], "--folds must be at least 2"),
            (["--word-ngrams", "3-1"], "--word-ngrams takes MIN-MAX"),
            (["--label-names", "1=a"], "--label-names does not name the label values 2"),
            (["--algorithm", "svm"], "logistic-regression"),
        ] {
            let result = try await train(data, options, output: workspace.path("m"))
            #expect(result.status != 0)
            #expect(result.standardError.contains(message), "\(options): \(result.standardError)")
        }
    }

    @Test func unknownLabelInEvaluationDataNamesTheLine() async throws {
        let workspace = try Workspace()
        try await trainSmallModel(in: workspace)
        let evaluation = try workspace.write("e.csv", "text,label\nsome text,0\nother,7\n")
        let result = try await MagpieProcess.run([
            "evaluate", "--model", workspace.path("m"), "--data", evaluation, "--text-column", "text", "--label-column", "label",
        ])
        #expect(result.status != 0)
        #expect(
            result.standardError.contains(
                "e.csv:3: field 'label' has label '7', which the model does not know; known labels: 0, 1"))
    }

    @Test func corruptOrMissingModel() async throws {
        let workspace = try Workspace()
        let missing = try await MagpieProcess.run(["predict", "--model", workspace.path("none"), "hello"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("no model artifact here"))
        try await trainSmallModel(in: workspace)
        let weights = URL(fileURLWithPath: workspace.path("m") + "/weights.bin")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: weights)
        let corrupt = try await MagpieProcess.run(["predict", "--model", workspace.path("m"), "hello"])
        #expect(corrupt.status != 0)
        #expect(corrupt.standardError.contains("SHA-256 does not match the manifest"))
        let empty = try await MagpieProcess.run(["predict", "--model", workspace.path("m"), " "])
        #expect(empty.status != 0)
        #expect(empty.standardError.contains("text 1 is empty"))
    }
}
