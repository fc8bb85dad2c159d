import Foundation
import JSONValues

extension WordPieceTokenizer {
    /// Loads the tokenizer of a Hugging Face model folder: `tokenizer.json` when there is one
    /// (the file the Rust `tokenizers` library runs), otherwise `vocab.txt` with the settings of
    /// `tokenizer_config.json` and `special_tokens_map.json`, as transformers' `BertTokenizer`
    /// builds it.
    ///
    /// The truncation and padding a `tokenizer.json` declares are ignored, as transformers and
    /// sentence-transformers ignore them: all-MiniLM-L6-v2's file pads every text to 128.
    /// `model_max_length` comes from `tokenizer_config.json` either way.
    public init(directory: URL) throws(TokenizerError) {
        let tokenizerJSON = directory.appendingPathComponent("tokenizer.json")
        let vocabularyText = directory.appendingPathComponent("vocab.txt")
        let config = try JSONFile.readIfPresent(directory.appendingPathComponent("tokenizer_config.json"))
        let modelMaxLength = try config?.optionalInt("model_max_length").flatMap { $0 > 0 && $0 < 1_000_000 ? $0 : nil }
        if FileManager.default.fileExists(atPath: tokenizerJSON.path) {
            try self.init(tokenizerJSON: JSONFile.read(tokenizerJSON), modelMaxLength: modelMaxLength)
        } else if FileManager.default.fileExists(atPath: vocabularyText.path) {
            let specialTokens = try JSONFile.readIfPresent(directory.appendingPathComponent("special_tokens_map.json"))
            try self.init(
                vocabularyText: vocabularyText, config: config, specialTokens: specialTokens, modelMaxLength: modelMaxLength)
        } else {
            throw .noTokenizerFiles(directory: directory.path)
        }
    }

    private init(tokenizerJSON file: JSONFile, modelMaxLength: Int?) throws(TokenizerError) {
        let model = try file.object("model")
        let modelType = try model.string("type")
        guard modelType == "WordPiece" else { throw .unsupportedSetting(path: file.path, key: "model.type", value: modelType) }
        let vocabulary = try model.object("vocab")
        var tokens: [String] = []
        for (token, value) in vocabulary.values {
            guard case .number(let number) = value, let id = JSONFile.integer(number), id >= 0, id < 10_000_000 else {
                throw .malformedFile(path: file.path, reason: "model.vocab[\"\(token)\"] is not a token id")
            }
            if id >= tokens.count { tokens.append(contentsOf: repeatElement("", count: id + 1 - tokens.count)) }
            tokens[id] = token
        }
        let normalizer = try Self.normalizer(file.optionalObject("normalizer"), path: file.path)
        if let preTokenizer = try file.optionalObject("pre_tokenizer") {
            let type = try preTokenizer.string("type")
            guard type == "BertPreTokenizer" else {
                throw .unsupportedSetting(path: file.path, key: "pre_tokenizer.type", value: type)
            }
        }
        let (classification, separator) = try Self.template(file.optionalObject("post_processor"), path: file.path)
        var addedTokens: [AddedToken] = []
        for entry in try file.optionalArray("added_tokens") ?? [] {
            guard case .object(let fields) = entry else {
                throw .malformedFile(path: file.path, reason: "an added_tokens entry is not an object")
            }
            let token = JSONFile(path: file.path, key: "added_tokens", values: fields)
            if try token.optionalBool("single_word") == true {
                throw .unsupportedSetting(path: file.path, key: "added_tokens[].single_word", value: "true")
            }
            addedTokens.append(
                AddedToken(
                    content: try token.string("content"), id: Int32(try token.int("id")),
                    normalized: try token.optionalBool("normalized") ?? true,
                    leftStrip: try token.optionalBool("lstrip") ?? false, rightStrip: try token.optionalBool("rstrip") ?? false))
        }
        let padding = try file.optionalObject("padding")?.optionalString("pad_token")
        try self.init(
            vocabulary: WordPieceVocabulary(tokens: tokens), normalizer: normalizer, unknownToken: model.string("unk_token"),
            classificationToken: classification, separatorToken: separator, paddingToken: padding ?? "[PAD]",
            continuingSubwordPrefix: model.optionalString("continuing_subword_prefix") ?? "##",
            maxInputCharactersPerWord: model.optionalInt("max_input_chars_per_word") ?? 100, addedTokens: addedTokens,
            modelMaxLength: modelMaxLength)
    }

    private static func normalizer(_ settings: JSONFile?, path: String) throws(TokenizerError) -> BertNormalizer {
        guard let settings else {
            return BertNormalizer(cleanText: false, handleChineseCharacters: false, stripAccents: false, lowercase: false)
        }
        let type = try settings.string("type")
        guard type == "BertNormalizer" else { throw .unsupportedSetting(path: path, key: "normalizer.type", value: type) }
        let lowercase = try settings.optionalBool("lowercase") ?? true
        return BertNormalizer(
            cleanText: try settings.optionalBool("clean_text") ?? true,
            handleChineseCharacters: try settings.optionalBool("handle_chinese_chars") ?? true,
            stripAccents: try settings.optionalBool("strip_accents") ?? lowercase, lowercase: lowercase)
    }

    /// The tokens around a single sequence: `TemplateProcessing` of the form
    /// `[X] $A [Y]`, or `BertProcessing`.
    private static func template(_ settings: JSONFile?, path: String) throws(TokenizerError) -> (String, String) {
        guard let settings else { return ("[CLS]", "[SEP]") }
        let type = try settings.string("type")
        switch type {
        case "BertProcessing":
            guard case .string(let cls) = try settings.optionalArray("cls")?.first,
                case .string(let sep) = try settings.optionalArray("sep")?.first
            else {
                throw .malformedFile(path: path, reason: "post_processor.cls and .sep must be [token, id]")
            }
            return (cls, sep)
        case "TemplateProcessing":
            /// The `id` of a `{"SpecialToken": {"id": ...}}` element.
            func specialToken(_ element: JSONValue) -> String? {
                guard case .object(let members) = element, case .object(let token) = members["SpecialToken"],
                    case .string(let id) = token["id"]
                else { return nil }
                return id
            }
            let single = try settings.optionalArray("single") ?? []
            guard single.count == 3, let first = specialToken(single[0]), case .object(let sequence) = single[1],
                sequence["Sequence"] != nil, let last = specialToken(single[2])
            else {
                throw .unsupportedSetting(path: path, key: "post_processor.single", value: "a template other than [X] $A [Y]")
            }
            return (first, last)
        default:
            throw .unsupportedSetting(path: path, key: "post_processor.type", value: type)
        }
    }

    private init(vocabularyText: URL, config: JSONFile?, specialTokens: JSONFile?, modelMaxLength: Int?) throws(TokenizerError) {
        let text: String
        do { text = try String(contentsOf: vocabularyText, encoding: .utf8) } catch {
            throw .unreadableFile(path: vocabularyText.path, reason: error.localizedDescription)
        }
        var tokens = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        if tokens.last == "" { tokens.removeLast() }
        if let config {
            if try config.optionalBool("do_basic_tokenize") == false {
                throw .unsupportedSetting(path: config.path, key: "do_basic_tokenize", value: "false")
            }
            if let neverSplit = try config.optionalArray("never_split"), !neverSplit.isEmpty {
                throw .unsupportedSetting(path: config.path, key: "never_split", value: "a non-empty list")
            }
        }
        let lowercase = try config?.optionalBool("do_lower_case") ?? true
        func special(_ key: String, _ fallback: String) throws(TokenizerError) -> String {
            if let token = try specialTokens?.tokenString(key) { return token }
            return try config?.tokenString(key) ?? fallback
        }
        let names = (
            unknown: try special("unk_token", "[UNK]"), classification: try special("cls_token", "[CLS]"),
            separator: try special("sep_token", "[SEP]"), padding: try special("pad_token", "[PAD]"),
            mask: try special("mask_token", "[MASK]")
        )
        let vocabulary = WordPieceVocabulary(tokens: tokens)
        let addedTokens = [names.padding, names.unknown, names.classification, names.separator, names.mask].compactMap { name in
            vocabulary.id(of: name).map { AddedToken(content: name, id: $0) }
        }
        try self.init(
            vocabulary: vocabulary,
            normalizer: BertNormalizer(
                handleChineseCharacters: try config?.optionalBool("tokenize_chinese_chars") ?? true,
                stripAccents: try config?.optionalBool("strip_accents") ?? lowercase, lowercase: lowercase),
            unknownToken: names.unknown, classificationToken: names.classification, separatorToken: names.separator,
            paddingToken: names.padding, addedTokens: addedTokens, modelMaxLength: modelMaxLength)
    }
}
