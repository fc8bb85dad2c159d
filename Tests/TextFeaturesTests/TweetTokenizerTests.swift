import Testing
import TextFeatures

@Suite struct TweetTokenizerTests {
    let tokenizer = TweetTokenizer()

    @Test func keepsContractionsAndHashtagsWhole() {
        #expect(tokenizer.tokenize("don't stop #MAGA y'all") == ["don't", "stop", "#MAGA", "y'all"])
        #expect(tokenizer.tokenize("can’t") == ["can't"])
    }

    @Test func foldsURLsAndMentions() {
        #expect(
            tokenizer.tokenize("RT @mayasolovely: look http://t.co/abc www.x.com") == ["RT", "<user>", "look", "<url>", "<url>"])
    }

    @Test func keepsMentionsAndURLsWhenAsked() {
        let raw = TweetTokenizer(replaceURLs: false, replaceMentions: false)
        #expect(raw.tokenize("@bob see https://x.io/a?b=1") == ["@bob", "see", "https://x.io/a?b=1"])
    }

    @Test func makesEachEmojiAToken() {
        #expect(tokenizer.tokenize("lol😂😂 ok👍🏽") == ["lol", "😂", "😂", "ok", "👍"])
    }

    @Test func collapsesExclamationAndQuestionRuns() {
        #expect(tokenizer.tokenize("what?!!! no") == ["what", "?", "!", "no"])
    }

    @Test func dropsOtherPunctuationAndHandlesEmptyText() {
        #expect(tokenizer.tokenize("\"quoted\", (text)...") == ["quoted", "text"])
        #expect(tokenizer.tokenize("") == [])
        #expect(tokenizer.tokenize("   \n\t ") == [])
    }

    @Test func keepsNonLatinWords() {
        #expect(tokenizer.tokenize("naïve 日本語 текст") == ["naïve", "日本語", "текст"])
    }

    @Test func naturalTokenizerMatchesNaturalsAggressiveSplitStopWordsAndStems() {
        let natural = NaturalStemmingTokenizer()
        #expect(natural.tokenize("The cats were running, and I can't believe it!") == ["cat", "run", "believ"])
        #expect(natural.tokenize("don't") == ["don"])
    }
}
