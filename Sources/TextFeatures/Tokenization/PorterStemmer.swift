/// The Porter (1980) suffix-stripping stemmer as in Martin Porter's own reference
/// implementation, including its two published departures from the paper (`-bli` → `-ble`,
/// `-logi` → `-log`); NLTK calls this mode `MARTIN_EXTENSIONS`, and the Node `natural`
/// library's stemmer follows the same reference.
///
/// Words with anything but ASCII letters are returned unchanged: the rules are English-only.
public enum PorterStemmer {
    public static func stem(_ word: String) -> String {
        let bytes = Array(word.utf8)
        guard bytes.count > 2, bytes.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        var stemmer = Stemming(bytes)
        stemmer.run()
        return String(decoding: stemmer.word, as: UTF8.self)
    }
}

/// The algorithm's state: `word[0..<end]` is the current stem, `stemEnd` marks where a
/// matched suffix begins (the C reference's `k` and `j`).
private struct Stemming {
    var word: [UInt8]
    var stemEnd = 0

    init(_ word: [UInt8]) { self.word = word }

    mutating func run() {
        step1ab()
        if word.count > 1 {
            step1c()
            step2()
            step3()
            step4()
            step5()
        }
    }

    func isConsonant(_ index: Int) -> Bool {
        switch word[index] {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"):
            return false
        case UInt8(ascii: "y"):
            return index == 0 ? true : !isConsonant(index - 1)
        default:
            return true
        }
    }

    /// The number of vowel-consonant sequences in `word[0..<stemEnd]`.
    func measure() -> Int {
        var count = 0
        var index = 0
        let end = stemEnd
        while true {
            if index >= end { return count }
            if !isConsonant(index) { break }
            index += 1
        }
        index += 1
        while true {
            while true {
                if index >= end { return count }
                if isConsonant(index) { break }
                index += 1
            }
            index += 1
            count += 1
            while true {
                if index >= end { return count }
                if !isConsonant(index) { break }
                index += 1
            }
            index += 1
        }
    }

    func stemHasVowel() -> Bool {
        (0..<stemEnd).contains { !isConsonant($0) }
    }

    func endsWithDoubleConsonant(_ end: Int) -> Bool {
        end >= 2 && word[end - 1] == word[end - 2] && isConsonant(end - 1)
    }

    /// Consonant-vowel-consonant ending at `last`, the final consonant not w, x or y.
    func endsConsonantVowelConsonant(_ last: Int) -> Bool {
        guard last >= 2, isConsonant(last), !isConsonant(last - 1), isConsonant(last - 2) else { return false }
        let final = word[last]
        return final != UInt8(ascii: "w") && final != UInt8(ascii: "x") && final != UInt8(ascii: "y")
    }

    mutating func ends(_ suffix: String) -> Bool {
        let suffixBytes = Array(suffix.utf8)
        guard suffixBytes.count <= word.count, word.suffix(suffixBytes.count).elementsEqual(suffixBytes)
        else { return false }
        stemEnd = word.count - suffixBytes.count
        return true
    }

    mutating func setSuffix(_ replacement: String) {
        word.removeSubrange(stemEnd...)
        word.append(contentsOf: replacement.utf8)
    }

    mutating func replaceIfMeasured(_ replacement: String) {
        if measure() > 0 { setSuffix(replacement) }
    }

    mutating func step1ab() {
        if word.last == UInt8(ascii: "s") {
            if ends("sses") {
                word.removeLast(2)
            } else if ends("ies") {
                setSuffix("i")
            } else if word.count >= 2, word[word.count - 2] != UInt8(ascii: "s") {
                word.removeLast()
            }
        }
        if ends("eed") {
            if measure() > 0 { word.removeLast() }
        } else if (ends("ed") || ends("ing")) && stemHasVowel() {
            word.removeSubrange(stemEnd...)
            if ends("at") {
                setSuffix("ate")
            } else if ends("bl") {
                setSuffix("ble")
            } else if ends("iz") {
                setSuffix("ize")
            } else if endsWithDoubleConsonant(word.count) {
                let last = word[word.count - 1]
                if last != UInt8(ascii: "l") && last != UInt8(ascii: "s") && last != UInt8(ascii: "z") {
                    word.removeLast()
                }
            } else {
                stemEnd = word.count
                if measure() == 1 && endsConsonantVowelConsonant(word.count - 1) { word.append(UInt8(ascii: "e")) }
            }
        }
    }

    mutating func step1c() {
        if ends("y") && stemHasVowel() { word[word.count - 1] = UInt8(ascii: "i") }
    }

    mutating func applyFirst(_ rules: [(String, String)]) {
        for (suffix, replacement) in rules where ends(suffix) {
            replaceIfMeasured(replacement)
            return
        }
    }

    mutating func step2() {
        guard word.count >= 2 else { return }
        switch word[word.count - 2] {
        case UInt8(ascii: "a"): applyFirst([("ational", "ate"), ("tional", "tion")])
        case UInt8(ascii: "c"): applyFirst([("enci", "ence"), ("anci", "ance")])
        case UInt8(ascii: "e"): applyFirst([("izer", "ize")])
        case UInt8(ascii: "l"):
            applyFirst([("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous")])
        case UInt8(ascii: "o"): applyFirst([("ization", "ize"), ("ation", "ate"), ("ator", "ate")])
        case UInt8(ascii: "s"):
            applyFirst([("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous")])
        case UInt8(ascii: "t"): applyFirst([("aliti", "al"), ("iviti", "ive"), ("biliti", "ble")])
        case UInt8(ascii: "g"): applyFirst([("logi", "log")])
        default: return
        }
    }

    mutating func step3() {
        switch word[word.count - 1] {
        case UInt8(ascii: "e"): applyFirst([("icate", "ic"), ("ative", ""), ("alize", "al")])
        case UInt8(ascii: "i"): applyFirst([("iciti", "ic")])
        case UInt8(ascii: "l"): applyFirst([("ical", "ic"), ("ful", "")])
        case UInt8(ascii: "s"): applyFirst([("ness", "")])
        default: return
        }
    }

    mutating func step4() {
        guard word.count >= 2 else { return }
        let suffixes: [String]
        switch word[word.count - 2] {
        case UInt8(ascii: "a"): suffixes = ["al"]
        case UInt8(ascii: "c"): suffixes = ["ance", "ence"]
        case UInt8(ascii: "e"): suffixes = ["er"]
        case UInt8(ascii: "i"): suffixes = ["ic"]
        case UInt8(ascii: "l"): suffixes = ["able", "ible"]
        case UInt8(ascii: "n"): suffixes = ["ant", "ement", "ment", "ent"]
        case UInt8(ascii: "o"):
            if ends("ion"), stemEnd >= 1, word[stemEnd - 1] == UInt8(ascii: "s") || word[stemEnd - 1] == UInt8(ascii: "t") {
                if measure() > 1 { word.removeSubrange(stemEnd...) }
                return
            }
            suffixes = ["ou"]
        case UInt8(ascii: "s"): suffixes = ["ism"]
        case UInt8(ascii: "t"): suffixes = ["ate", "iti"]
        case UInt8(ascii: "u"): suffixes = ["ous"]
        case UInt8(ascii: "v"): suffixes = ["ive"]
        case UInt8(ascii: "z"): suffixes = ["ize"]
        default: return
        }
        guard suffixes.contains(where: { ends($0) }) else { return }
        if measure() > 1 { word.removeSubrange(stemEnd...) }
    }

    mutating func step5() {
        stemEnd = word.count
        if word.last == UInt8(ascii: "e") {
            stemEnd = word.count - 1
            let m = measure()
            if m > 1 || (m == 1 && !endsConsonantVowelConsonant(word.count - 2)) { word.removeLast() }
        }
        stemEnd = word.count
        if word.last == UInt8(ascii: "l") && endsWithDoubleConsonant(word.count) && measure() > 1 {
            word.removeLast()
        }
    }
}
