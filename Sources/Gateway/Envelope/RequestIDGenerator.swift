import Synchronization

/// Request ids for requests that arrive without one: a random 64-bit prefix drawn once per
/// process, then a counter, e.g. `9f86d081884c7d65-000000000000002a`. Unique across restarts
/// and replicas without reading the system's random source per request, as `UUID()` does.
package final class RequestIDGenerator: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    package init() {
        var generator = SystemRandomNumberGenerator()
        prefix = Self.hex(generator.next())
    }

    package func next() -> String {
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + "-" + Self.hex(number)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
