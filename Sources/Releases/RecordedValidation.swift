import Synchronization

/// The validation macro F1 each version's artifact recorded when it was trained, read once per
/// version: the canary analysis holds back a version that scored far below stable on its own
/// validation, before any traffic could show it.
final class RecordedValidation: Sendable {
    private let read: @Sendable (_ model: String, _ version: Int) -> Double?
    private let known = Mutex<[String: Double?]>([:])

    init(_ read: @escaping @Sendable (_ model: String, _ version: Int) -> Double?) {
        self.read = read
    }

    func macroF1(model: String, version: Int) -> Double? {
        let key = "\(model)@\(version)"
        if let cached = known.withLock({ $0[key] }) { return cached }
        let value = read(model, version)
        known.withLock { $0[key] = value }
        return value
    }

    /// Both versions' figures, or nil when either artifact recorded none.
    func pair(model: String, canary: Int, stable: Int) -> (canary: Double, stable: Double)? {
        guard let canaryF1 = macroF1(model: model, version: canary), let stableF1 = macroF1(model: model, version: stable)
        else { return nil }
        return (canaryF1, stableF1)
    }
}
