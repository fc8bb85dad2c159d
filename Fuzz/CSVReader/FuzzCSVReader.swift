import Classifiers

/// libFuzzer's entry: any bytes as a training file. A table that parses has a field for every
/// column in every record, and records in the order of their lines.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let table = try? CSVReader.parse(bytes, path: "fuzz.csv") else { return 0 }
    precondition(table.records.allSatisfy { $0.fields.count == table.header.count }, "a ragged row was accepted")
    precondition(zip(table.records, table.records.dropFirst()).allSatisfy { $0.line < $1.line }, "records out of line order")
    return 0
}
