import Classifiers
import Digests
import Foundation
import Testing

@Suite struct LabeledDatasetTests {
    func write(_ text: String, name: String = "data.csv") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func readsTheNamedColumnsAndHashesTheFile() throws {
        let path = try write("id,label,text\n1,pos,good\n2,neg,bad\n")
        let dataset = try LabeledDataset.read(path: path, textColumn: "text", labelColumn: "label")
        #expect(dataset.examples == [.init(text: "good", label: "pos", line: 2), .init(text: "bad", label: "neg", line: 3)])
        #expect(dataset.sha256 == sha256Hex(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func reportsMissingColumnsWithTheAvailableOnes() throws {
        let path = try write("id,text\n1,good\n")
        #expect(throws: DataError.missingColumn(path: path, column: "label", available: ["id", "text"])) {
            try LabeledDataset.read(path: path, textColumn: "text", labelColumn: "label")
        }
    }

    @Test func failsOnEmptyTextUnlessSkipping() throws {
        let path = try write("label,text\na,good\nb,\"  \"\n,fine\nb,bad\n")
        #expect(throws: DataError.emptyText(path: path, line: 3, column: "text")) {
            try LabeledDataset.read(path: path, textColumn: "text", labelColumn: "label")
        }
        let dataset = try LabeledDataset.read(path: path, textColumn: "text", labelColumn: "label", skipInvalidRows: true)
        #expect(dataset.examples.map(\.text) == ["good", "bad"])
        #expect(dataset.skipped == .init(emptyText: 1, missingLabel: 1))
    }

    @Test func readsJSONLinesWithNumericAndBooleanLabels() throws {
        let path = try write(
            "{\"text\": \"hi\", \"label\": 0}\n\n{\"text\": \"yo\", \"label\": true}\n{\"text\": \"ok\", \"label\": \"x\"}\n",
            name: "d.jsonl")
        let dataset = try LabeledDataset.read(path: path, textColumn: "text", labelColumn: "label")
        #expect(dataset.examples.map(\.label) == ["0", "true", "x"])
        #expect(dataset.examples.map(\.line) == [1, 3, 4])
    }

    @Test func reportsMalformedJSONLinesByLine() throws {
        let path = try write("{\"text\": \"hi\", \"label\": 0}\n{\"text\": \n", name: "d.jsonl")
        #expect(throws: DataError.invalidJSON(path: path, line: 2, reason: "malformed JSON")) {
            try LabeledDataset.read(path: path, textColumn: "text", labelColumn: "label")
        }
        let array = try write("[1, 2]\n", name: "e.jsonl")
        #expect(throws: DataError.invalidJSON(path: array, line: 1, reason: "the line is JSON but not an object")) {
            try LabeledDataset.read(path: array, textColumn: "text", labelColumn: "label")
        }
    }

    @Test func reportsMissingAndEmptyFiles() throws {
        #expect(throws: DataError.fileNotFound(path: "/nonexistent/x.csv")) {
            try LabeledDataset.read(path: "/nonexistent/x.csv", textColumn: "t", labelColumn: "l")
        }
        let empty = try write("")
        #expect(throws: DataError.emptyFile(path: empty)) {
            try LabeledDataset.read(path: empty, textColumn: "t", labelColumn: "l")
        }
        let headerOnly = try write("t,l\n")
        #expect(throws: DataError.emptyFile(path: headerOnly)) {
            try LabeledDataset.read(path: headerOnly, textColumn: "t", labelColumn: "l")
        }
    }
}

@Suite struct LabelSetTests {
    @Test func ordersNumericValuesNumerically() throws {
        let labels = try LabelSet.from(values: ["10", "2", "1", "2"])
        #expect(labels.labels.map(\.value) == ["1", "2", "10"])
    }

    @Test func appliesNamesInDeclaredOrder() throws {
        let (names, order) = try LabelSet.parseNames("2=Neither, 0=Hate Speech,1=Offensive Language")
        let labels = try LabelSet.from(values: ["0", "1", "2"], names: names, declaredOrder: order)
        #expect(labels.names == ["Neither", "Hate Speech", "Offensive Language"])
        #expect(labels.index(ofValue: "0") == 1)
    }

    @Test func rejectsBadNameSpecifications() {
        #expect(throws: LabelError.malformedNames("0")) { try LabelSet.parseNames("0,1=b") }
        #expect(throws: LabelError.duplicateValue("0")) { try LabelSet.parseNames("0=a,0=b") }
        #expect(throws: LabelError.duplicateName("a")) { try LabelSet.parseNames("0=a,1=a") }
        #expect(throws: LabelError.unnamedValues(["2"], declared: ["0", "1"])) {
            try LabelSet.from(values: ["0", "1", "2"], names: ["0": "a", "1": "b"], declaredOrder: ["0", "1"])
        }
        #expect(throws: LabelError.tooFewClasses(found: ["x"])) { try LabelSet.from(values: ["x", "x"]) }
    }
}
