import Foundation

/// The `Server-Timing` header (W3C): `name;dur=MILLISECONDS;desc="..."`, comma-separated.
/// Magpie sends `load` (a cold start's model load) and `inference`; other servers send their
/// own names, which are kept as they are.
enum ServerTiming {
    /// Milliseconds by metric name, for the metrics that carry a duration.
    static func durations(_ header: String) -> [String: Double] {
        var durations: [String: Double] = [:]
        for metric in header.split(separator: ",") {
            let parameters = metric.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parameters.first, !name.isEmpty else { continue }
            for parameter in parameters.dropFirst() where parameter.lowercased().hasPrefix("dur=") {
                if let value = Double(parameter.dropFirst(4)) { durations[name] = value }
            }
        }
        return durations
    }
}
