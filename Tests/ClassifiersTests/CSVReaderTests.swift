import Classifiers
import Testing

@Suite struct CSVReaderTests {
    func parse(_ text: String) throws(DataError) -> CSVTable {
        try CSVReader.parse(Array(text.utf8), path: "t.csv")
    }

    @Test func readsQuotedCommasQuotesAndLineBreaks() throws {
        let table = try parse("id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,plain\n")
        #expect(table.header == ["id", "text"])
        #expect(table.records.map { $0.fields[1] } == ["a, b", "say \"hi\"", "two\nlines", "plain"])
        #expect(table.records.map(\.line) == [2, 3, 4, 6])
    }

    @Test func toleratesBOMCRLFBlankLinesAndMissingFinalNewline() throws {
        let table = try parse("\u{FEFF}a,b\r\n1,2\r\n\r\n3,4")
        #expect(table.header == ["a", "b"])
        #expect(table.records.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(table.records.map(\.line) == [2, 4])
    }

    @Test func keepsEmptyFields() throws {
        let table = try parse("a,b,c\n,,\n")
        #expect(table.records[0].fields == ["", "", ""])
    }

    @Test func rejectsRaggedRowsNamingTheLine() {
        #expect(throws: DataError.raggedRow(path: "t.csv", line: 3, expected: 2, found: 3)) {
            try parse("a,b\n1,2\n1,2,3\n")
        }
    }

    @Test func rejectsUnterminatedQuotes() {
        #expect(throws: DataError.unterminatedQuote(path: "t.csv", line: 2)) { try parse("a,b\n1,\"open\n2,3\n") }
    }

    @Test func rejectsTextAfterClosingQuote() {
        #expect(throws: DataError.unexpectedCharacterAfterQuote(path: "t.csv", line: 2, field: 2)) {
            try parse("a,b\n1,\"x\"y\n")
        }
    }

    @Test func rejectsInvalidUTF8NamingLineAndField() {
        var bytes = Array("a,b\n1,ok\n2,".utf8)
        bytes.append(contentsOf: [0xC3, 0x28])
        bytes.append(UInt8(ascii: "\n"))
        #expect(throws: DataError.invalidUTF8(path: "t.csv", line: 3, field: 2)) { try CSVReader.parse(bytes, path: "t.csv") }
    }

    @Test func rejectsEmptyFilesAndDuplicateColumns() {
        #expect(throws: DataError.emptyFile(path: "t.csv")) { try parse("\n\n") }
        #expect(throws: DataError.duplicateColumn(path: "t.csv", column: "a")) { try parse("a,a\n1,2\n") }
    }
}
