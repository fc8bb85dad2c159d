import Foundation

/// The classes of a model, in index order: each with the raw value the data uses (`0`) and the
/// name predictions report (`Hate Speech`).
public struct LabelSet: Sendable, Codable, Equatable {
    public struct Label: Sendable, Codable, Equatable {
        public var value: String
        public var name: String

        public init(value: String, name: String) {
            self.value = value
            self.name = name
        }
    }

    public var labels: [Label]

    public init(labels: [Label]) {
        self.labels = labels
    }

    public var count: Int { labels.count }
    public var names: [String] { labels.map(\.name) }

    /// The classes found in `values`, named by `names` (raw value → name) where given. The
    /// order is that of `names` when every value is named, otherwise numeric-aware ascending, so
    /// `2` sorts before `10`.
    public static func from(values: [String], names: [String: String] = [:], declaredOrder: [String] = []) throws(LabelError)
        -> LabelSet
    {
        let distinct = Set(values)
        guard distinct.count >= 2 else { throw .tooFewClasses(found: distinct.sorted()) }
        let undeclared = distinct.filter { names[$0] == nil }
        if !names.isEmpty, !undeclared.isEmpty {
            throw .unnamedValues(undeclared.sorted(), declared: declaredOrder)
        }
        let ordered: [String]
        if undeclared.isEmpty, !declaredOrder.isEmpty {
            ordered = declaredOrder
        } else {
            ordered = distinct.sorted { left, right in
                switch (Double(left), Double(right)) {
                case (let l?, let r?) where l != r: return l < r
                default: return left < right
                }
            }
        }
        return LabelSet(labels: ordered.map { Label(value: $0, name: names[$0] ?? $0) })
    }

    /// Parses `--label-names '0=Hate Speech,1=Offensive Language,2=Neither'`.
    public static func parseNames(_ specification: String) throws(LabelError) -> (names: [String: String], order: [String]) {
        var names: [String: String] = [:]
        var order: [String] = []
        for part in specification.split(separator: ",", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1)
            let value = pieces.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let name = pieces.count == 2 ? pieces[1].trimmingCharacters(in: .whitespaces) : ""
            guard pieces.count == 2, !value.isEmpty, !name.isEmpty else { throw .malformedNames(String(part)) }
            guard names[value] == nil else { throw .duplicateValue(value) }
            guard !names.values.contains(name) else { throw .duplicateName(name) }
            names[value] = name
            order.append(value)
        }
        guard !names.isEmpty else { throw .malformedNames(specification) }
        return (names, order)
    }

    public func index(ofValue value: String) -> Int? {
        labels.firstIndex { $0.value == value }
    }
}

public enum LabelError: Error, Equatable, CustomStringConvertible {
    case tooFewClasses(found: [String])
    case unnamedValues([String], declared: [String])
    case malformedNames(String)
    case duplicateValue(String)
    case duplicateName(String)

    public var description: String {
        switch self {
        case .tooFewClasses(let found):
            return "a classifier needs at least 2 classes; the data has \(found.count): \(found.joined(separator: ", "))"
        case .unnamedValues(let values, let declared):
            return
                "--label-names does not name the label values \(values.joined(separator: ", ")) found in the data (it names \(declared.joined(separator: ", ")))"
        case .malformedNames(let part):
            return "--label-names: '\(part)' is not of the form VALUE=NAME (e.g. '0=Hate Speech,1=Offensive Language,2=Neither')"
        case .duplicateValue(let value):
            return "--label-names: value '\(value)' is named twice"
        case .duplicateName(let name):
            return "--label-names: name '\(name)' is used twice"
        }
    }
}
