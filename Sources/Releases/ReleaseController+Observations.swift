/// What each version of a model did, as the gateway reports it: the analysis window it is
/// judged on, and the metrics.
extension ReleaseController {
    public func recordAnswer(model: String, version: Int, labels: [String], scores: [Float], latency: Duration) {
        window.withLock {
            $0[model, default: [:]][version, default: VersionObservations()].recordAnswer(
                labels: labels, scores: scores, latency: latency)
        }
        metrics.recordAnswer(model: model, version: version, labels: labels, scores: scores, latency: latency)
    }

    public func recordError(model: String, version: Int) {
        window.withLock { $0[model, default: [:]][version, default: VersionObservations()].recordError() }
        metrics.recordError(model: model, version: version)
    }

    /// Feedback on an answer `version` gave: whether its label was the true one.
    public func recordFeedback(model: String, version: Int, correct: Bool) {
        window.withLock { $0[model, default: [:]][version, default: VersionObservations()].recordFeedback(correct: correct) }
        metrics.recordFeedback(model: model, version: version, correct: correct)
    }

    /// Texts `version` answered that stable also scored (see `PairedScoring`), and how many of
    /// them the two labelled alike.
    public func recordPairs(model: String, version: Int, agreed: Int, of compared: Int) {
        window.withLock {
            $0[model, default: [:]][version, default: VersionObservations()].recordPairs(agreed: agreed, of: compared)
        }
        metrics.recordPairs(model: model, version: version, agreed: agreed, of: compared)
    }
}
