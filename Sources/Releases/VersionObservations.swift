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
    /// Answers whose true label came back as feedback, and how many of them were right.
    public var feedback = 0
    public var correct = 0
    /// Texts this version answered that the other version (stable, for a canary) also scored,
    /// and on how many the two gave the same label.
    public var paired = 0
    public var agreed = 0

    public init() {}

    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }

    public mutating func recordAnswer(labels predicted: [String], scores topScores: [Float], latency duration: Duration) {
        requests += 1
        latency.record(duration)
        for label in predicted { labels[label, default: 0] += 1 }
        for score in topScores { scores[min(9, max(0, Int(score * 10)))] += 1 }
    }

    public var accuracy: Double { feedback == 0 ? 0 : Double(correct) / Double(feedback) }

    public mutating func recordFeedback(correct right: Bool) {
        feedback += 1
        if right { correct += 1 }
    }

    public var agreement: Double { paired == 0 ? 0 : Double(agreed) / Double(paired) }

    public mutating func recordPairs(agreed same: Int, of compared: Int) {
        paired += compared
        agreed += same
    }

    public mutating func recordError() {
        requests += 1
        errors += 1
    }
}
