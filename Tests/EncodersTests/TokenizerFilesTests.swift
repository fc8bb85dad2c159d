import Encoders
import Foundation
import Testing

/// Bad tokenizer folders fail with an error naming the file and the setting at fault.
@Suite struct TokenizerFilesTests {
    func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, contents) in files {
            try contents.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return url
    }

    func loadError(_ files: [String: String]) throws -> TokenizerError? {
        let url = try folder(files)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try WordPieceTokenizer(directory: url)
            return nil
        } catch { return error }
    }

    static let vocabulary =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s"].joined(separator: "\n") + "\n"

    @Test func aFolderWithoutTokenizerFilesIsNamed() throws {
        let error = try #require(try loadError([:]))
        guard case .noTokenizerFiles = error else { throw error }
        #expect(error.description.contains("expected tokenizer.json, or vocab.txt"))
    }

    @Test func aSmallVocabularyTextTokenizes() throws {
        let url = try folder(["vocab.txt": Self.vocabulary])
        defer { try? FileManager.default.removeItem(at: url) }
        let tokenizer = try WordPieceTokenizer(directory: url)
        #expect(
            tokenizer.tokens(of: tokenizer.encode("Hellos WORLD [MASK] x").ids) == [
                "[CLS]", "hello", "##s", "world", "[MASK]", "[UNK]", "[SEP]",
            ])
    }

    @Test func malformedJSONNamesTheFile() throws {
        let error = try #require(try loadError(["tokenizer.json": "{\"model\": "]))
        #expect(error.description.contains("tokenizer.json is malformed"))
    }

    @Test func anUnsupportedModelTypeNamesTheKey() throws {
        let error = try #require(try loadError(["tokenizer.json": #"{"model": {"type": "BPE", "vocab": {}}}"#]))
        #expect(error == .unsupportedSetting(path: error.path, key: "model.type", value: "BPE"))
    }

    @Test func aWrongTypeNamesTheKey() throws {
        let error = try #require(
            try loadError(["vocab.txt": Self.vocabulary, "tokenizer_config.json": #"{"do_lower_case": "yes"}"#]))
        #expect(error.description.hasSuffix("do_lower_case must be true, false or null"))
    }

    @Test func aSpecialTokenMissingFromTheVocabularyIsNamed() throws {
        let error = try #require(try loadError(["vocab.txt": "[PAD]\n[CLS]\n[SEP]\nhello\n"]))
        #expect(error == .tokenNotInVocabulary(role: "unknown (UNK)", token: "[UNK]"))
        #expect(error.description == #"the unknown (UNK) token "[UNK]" is not in the vocabulary"#)
    }
}

extension TokenizerError {
    fileprivate var path: String {
        if case .unsupportedSetting(let path, _, _) = self { return path }
        return ""
    }
}
