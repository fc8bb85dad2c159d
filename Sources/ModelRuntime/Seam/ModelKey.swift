/// Which model, and which of its numbered versions: what the registry serves, loads, idles
/// and queues separately. A model without numbered versions (a remote one, or a route's
/// target named alone) has no version.
public struct ModelKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var name: String
    public var version: Int?

    public init(_ name: String, version: Int? = nil) {
        self.name = name
        self.version = version
    }

    /// `NAME@VERSION`, or `NAME`: how logs and errors name it.
    public var description: String { version.map { "\(name)@\($0)" } ?? name }

    public static func < (lhs: ModelKey, rhs: ModelKey) -> Bool {
        (lhs.name, lhs.version ?? 0) < (rhs.name, rhs.version ?? 0)
    }
}

extension ModelKey: ExpressibleByStringLiteral {
    /// A literal names a model without numbered versions: `"hate-speech"`.
    public init(stringLiteral name: String) {
        self.init(name)
    }
}
