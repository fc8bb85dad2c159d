/// What the stages learned about a request, for the envelope's metrics, log line and
/// `Server-Timing`, filled in as they go: written once, read once.
package struct RequestRecord: Sendable {
    package let requestID: String
    /// The route's bounded name in metrics; `unmatched` when the router matched nothing.
    package var route = "unmatched"
    /// The model the request asked for.
    package var model: String?
    /// Who answered and what it took.
    package var served: ModelService.Served?
    var trace: TraceContext?

    init(requestID: String) {
        self.requestID = requestID
    }
}
