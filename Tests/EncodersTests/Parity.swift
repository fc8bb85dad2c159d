import Foundation
import MagpieTestSupport

/// The largest absolute difference between two equally long vectors; infinity when their
/// lengths differ, so a shape mistake can never pass a tolerance.
func maxAbsoluteDifference(_ actual: some Collection<Float>, _ expected: [Float]) -> Float {
    guard actual.count == expected.count else { return .infinity }
    return zip(actual, expected).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Decodes a test-vector file into `T`, whose property `inputIds` reads the key `input_ids`.
func testVector<T: Decodable>(_ relativePath: String, as type: T.Type) throws -> T {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(T.self, from: Data(contentsOf: try ReferenceFiles.testVector(relativePath)))
}
