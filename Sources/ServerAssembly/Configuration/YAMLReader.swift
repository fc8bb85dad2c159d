import Yams

/// Reads a YAML mapping strictly: unknown keys and wrong types are errors naming the key's
/// dotted path and line, so a typo in a config fails at start instead of being ignored.
package struct YAMLReader {
    package let file: String
    package let path: String
    package let node: Node

    package func error(_ reason: String, at node: Node? = nil, key: String? = nil) -> ConfigurationError {
        ConfigurationError(
            file: file, key: key.map { path.isEmpty ? $0 : "\(path).\($0)" } ?? path, line: (node ?? self.node).mark?.line,
            reason: reason)
    }

    /// The mapping's entries, after checking every key is one of `allowed` (nil allows any).
    package func entries(allowed: Set<String>?) throws -> [(key: String, reader: YAMLReader)] {
        guard let mapping = node.mapping else { throw error("expected a mapping (key: value lines)") }
        var result: [(String, YAMLReader)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error("keys must be strings", at: keyNode) }
            if let allowed, !allowed.contains(key) {
                throw error("unknown key; expected one of: \(allowed.sorted().joined(separator: ", "))", at: keyNode, key: key)
            }
            result.append((key, YAMLReader(file: file, path: path.isEmpty ? key : "\(path).\(key)", node: value)))
        }
        return result
    }

    package var string: String {
        get throws {
            guard let scalar = node.scalar else { throw error("expected a string") }
            return scalar.string
        }
    }

    package func int(in range: ClosedRange<Int>) throws -> Int {
        guard let value = node.int, range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    package var positiveNumber: Double {
        get throws {
            guard let value = node.float, value > 0, value.isFinite else { throw error("expected a positive number") }
            return value
        }
    }

    /// A number from 0 to 1: a rate or a divergence.
    package var fraction: Double {
        get throws {
            guard let value = node.float, (0...1).contains(value) else { throw error("expected a number from 0 to 1") }
            return value
        }
    }

    package var bool: Bool {
        get throws {
            guard let value = node.bool else { throw error("expected true or false") }
            return value
        }
    }

    package var strings: [String] {
        get throws {
            if let scalar = node.scalar { return [scalar.string] }
            guard let sequence = node.sequence else { throw error("expected a list of strings") }
            return try sequence.map { item in
                guard let value = item.string else { throw error("expected a list of strings", at: item) }
                return value
            }
        }
    }
}
