import Foundation

/// Reference files: the shared test vectors (Hugging Face and PyTorch
/// outputs) and the real all-MiniLM-L6-v2 weights that `scripts/fetch-minilm` caches. A test
/// that needs one fails, naming what to do, when it is missing: never a silent skip.
public enum ReferenceFiles {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// `Tests/TestVectors`, a copy of the team's shared test vectors kept in the repository so
    /// that a clone anywhere can run the tests; `MAGPIE_TESTVECTORS` points elsewhere.
    public static var testVectors: URL {
        if let path = ProcessInfo.processInfo.environment["MAGPIE_TESTVECTORS"] { return URL(fileURLWithPath: path) }
        return ModelFixture.repositoryRoot.appendingPathComponent("Tests/TestVectors")
    }

    /// A file under the test vectors, e.g. `tokenizer/wordpiece-cases.json`.
    public static func testVector(_ relativePath: String) throws -> URL {
        let url = testVectors.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(description: "test vector \(url.path) is missing; set MAGPIE_TESTVECTORS to the testvectors folder")
        }
        return url
    }

    /// A JSON object from the test vectors.
    public static func testVectorJSON(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: try testVector(relativePath))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Missing(description: "\(relativePath) is not a JSON object")
        }
        return object
    }

    /// The all-MiniLM-L6-v2 folder: `MAGPIE_MINILM`, or where `scripts/fetch-minilm` puts it.
    public static func miniLM() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["MAGPIE_MODEL_CACHE"] ?? (NSHomeDirectory() + "/.cache/magpie")
        let url = URL(fileURLWithPath: environment["MAGPIE_MINILM"] ?? cache + "/all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("model.safetensors").path) else {
            throw Missing(description: "all-MiniLM-L6-v2 is not at \(url.path); run scripts/fetch-minilm (scripts/test does)")
        }
        return url
    }
}
