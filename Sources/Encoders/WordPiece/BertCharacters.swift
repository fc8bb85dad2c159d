/// Answers "how does the BERT normalizer or pre-tokenizer treat this scalar?" from
/// `BertUnicodeTables`, with ASCII answered from flags computed once, because nearly every
/// scalar a classifier sees is ASCII.
package enum BertCharacters {
    package static func isRemovedByCleaning(_ scalar: Unicode.Scalar) -> Bool {
        lookup(scalar, .removedByCleaning, BertUnicodeTables.removedByCleaning)
    }

    package static func isWhitespaceForCleaning(_ scalar: Unicode.Scalar) -> Bool {
        lookup(scalar, .whitespaceForCleaning, BertUnicodeTables.whitespaceForCleaning)
    }

    package static func isChineseIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        !scalar.isASCII && BertUnicodeTables.chineseIdeographs.containsScalar(scalar.value)
    }

    package static func isSplittingWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        lookup(scalar, .splittingWhitespace, BertUnicodeTables.splittingWhitespace)
    }

    package static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        lookup(scalar, .punctuation, BertUnicodeTables.punctuation)
    }

    @inline(__always)
    private static func lookup(_ scalar: Unicode.Scalar, _ flag: Flags, _ table: [ClosedRange<UInt32>]) -> Bool {
        scalar.isASCII ? asciiFlags[Int(scalar.value)].contains(flag) : table.containsScalar(scalar.value)
    }

    package static func isRemovedByAccentStripping(_ scalar: Unicode.Scalar) -> Bool {
        !scalar.isASCII && BertUnicodeTables.removedByAccentStripping.containsScalar(scalar.value)
    }

    /// Appends what accent stripping then lowercasing make of `scalar` (nothing, itself, or
    /// one to three scalars).
    package static func appendStrippedLowercase(of scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        if scalar.isASCII {
            let value = scalar.value
            output.append((0x41...0x5A).contains(value) ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
        } else if let replacement = strippedLowercaseMapping[scalar.value] {
            output.append(contentsOf: replacement)
        } else if HangulSyllable.contains(scalar) {
            HangulSyllable.appendDecomposition(of: scalar, to: &output)
        } else if !BertUnicodeTables.removedByAccentStripping.containsScalar(scalar.value) {
            output.append(scalar)
        }
    }

    private static let strippedLowercaseMapping: [UInt32: [Unicode.Scalar]] = {
        let flat = BertUnicodeTables.strippedLowercaseMapping
        var mapping: [UInt32: [Unicode.Scalar]] = [:]
        var position = 0
        while position < flat.count {
            let count = Int(flat[position + 1])
            mapping[flat[position]] = flat[(position + 2)..<(position + 2 + count)].map { Unicode.Scalar($0)! }
            position += 2 + count
        }
        return mapping
    }()

    private struct Flags: OptionSet {
        let rawValue: UInt8
        static let removedByCleaning = Flags(rawValue: 1)
        static let whitespaceForCleaning = Flags(rawValue: 2)
        static let splittingWhitespace = Flags(rawValue: 4)
        static let punctuation = Flags(rawValue: 8)
    }

    private static let asciiFlags: [Flags] = (0..<128).map { value in
        var flags: Flags = []
        let scalar = UInt32(value)
        if BertUnicodeTables.removedByCleaning.containsScalar(scalar) { flags.insert(.removedByCleaning) }
        if BertUnicodeTables.whitespaceForCleaning.containsScalar(scalar) { flags.insert(.whitespaceForCleaning) }
        if BertUnicodeTables.splittingWhitespace.containsScalar(scalar) { flags.insert(.splittingWhitespace) }
        if BertUnicodeTables.punctuation.containsScalar(scalar) { flags.insert(.punctuation) }
        return flags
    }
}

extension [ClosedRange<UInt32>] {
    /// Binary search over sorted, disjoint ranges.
    func containsScalar(_ value: UInt32) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].upperBound < value {
                low = middle + 1
            } else if self[middle].lowerBound > value {
                high = middle
            } else {
                return true
            }
        }
        return false
    }
}
