import JSONValues

/// libFuzzer's entry: bytes as a request body reaches the parser (the gateway checks UTF-8
/// first). A document that parses must survive a round trip through `serialized`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard String(validating: bytes, as: UTF8.self) != nil, let value = try? JSONParser.parse(bytes) else { return 0 }
    guard value.numbersAreFinite else { return 0 }
    let again = try? JSONParser.parse(Array(value.serialized.utf8))
    precondition(again == value, "round trip changed \(value) into \(String(describing: again))")
    return 0
}

extension JSONValue {
    /// Numbers beyond Double's range parse as infinity, which JSON cannot write back.
    var numbersAreFinite: Bool {
        switch self {
        case .number(let number): number.isFinite
        case .array(let values): values.allSatisfy(\.numbersAreFinite)
        case .object(let members): members.values.allSatisfy(\.numbersAreFinite)
        case .null, .bool, .string: true
        }
    }
}
