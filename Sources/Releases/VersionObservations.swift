/// What one version of a model did in the current analysis window: requests, failures,
/// latency, the labels it predicted and how sure it was.
public struct VersionObservations: Sendable, Equatable {
    public var requests = 0
    public var errors = 0
    public var latency = LatencyHistogram()
    /// Texts per predicted label.
    public var labels: [String: Int] = [:]
    /// Texts per tenth of top score: index 9 holds scores from 0.9 to 1.
    public var scores = [Int](repeating: 0, count: 10)

    public init() {}

    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }

    public mutating func recordAnswer(labels predicted: [String], scores topScores: [Float], latency duration: Duration) {
        requests += 1
        latency.record(duration)
        for label in predicted { labels[label, default: 0] += 1 }
        for score in topScores { scores[min(9, max(0, Int(score * 10)))] += 1 }
    }

    public mutating func recordError() {
        requests += 1
        errors += 1
    }
}
