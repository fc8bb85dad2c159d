import Testing
import TextFeatures

@Suite struct TextNormalizerTests {
    @Test func decodesNamedAndNumericEntities() {
        #expect(HTMLEntities.decode("fish &amp; chips &lt;3") == "fish & chips <3")
        #expect(HTMLEntities.decode("lol &#128514;") == "lol 😂")
        #expect(HTMLEntities.decode("&#x1F602;") == "😂")
    }

    @Test func decodesDoubleEscapedEntitiesOnce() {
        #expect(HTMLEntities.decode("&amp;#128514;") == "😂")
        #expect(HTMLEntities.decode("&amp;amp;amp;") == "&amp;")
    }

    @Test func leavesMalformedReferencesAsWritten() {
        #expect(HTMLEntities.decode("AT&T & co") == "AT&T & co")
        #expect(HTMLEntities.decode("&#0; &#xZZ; &bogus;") == "&#0; &#xZZ; &bogus;")
        #expect(HTMLEntities.decode("trailing &") == "trailing &")
    }

    @Test func foldsCompatibilityCharactersAndCase() {
        let normalizer = TextNormalizer.standard
        #expect(normalizer.normalize("ＨＥＬＬＯ") == "hello")
        #expect(normalizer.normalize("ﬁne") == "fine")
        #expect(normalizer.normalize("Café") == "café")
    }

    @Test func canKeepCase() {
        let normalizer = TextNormalizer(lowercase: false)
        #expect(normalizer.normalize("Hello &amp; Bye") == "Hello & Bye")
    }
}
