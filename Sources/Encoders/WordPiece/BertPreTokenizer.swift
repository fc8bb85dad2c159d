/// The pre-tokenizer of BERT-family tokenizers (Hugging Face `BertPreTokenizer`): words end at
/// whitespace, which is dropped, and every punctuation scalar is a word of its own.
package enum BertPreTokenizer {
    /// Calls `body` with each word of `scalars`, in order.
    package static func forEachWord(in scalars: ArraySlice<Unicode.Scalar>, _ body: (ArraySlice<Unicode.Scalar>) -> Void) {
        var start = scalars.startIndex
        for position in scalars.indices {
            let scalar = scalars[position]
            if BertCharacters.isSplittingWhitespace(scalar) {
                if start < position { body(scalars[start..<position]) }
                start = position + 1
            } else if BertCharacters.isPunctuation(scalar) {
                if start < position { body(scalars[start..<position]) }
                body(scalars[position..<(position + 1)])
                start = position + 1
            }
        }
        if start < scalars.endIndex { body(scalars[start..<scalars.endIndex]) }
    }
}
