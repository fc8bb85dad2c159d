/// What a request carries on to the upstream so one request can be followed across both
/// services.
public struct InvocationContext: Sendable, Equatable {
    public var requestID: String
    /// The client's W3C `traceparent`.
    public var traceparent: String?
    /// The X-Ray trace header (`Root=…;Parent=…;Sampled=…`), on Lambda.
    public var amazonTraceID: String?

    public init(requestID: String, traceparent: String? = nil, amazonTraceID: String? = nil) {
        self.requestID = requestID
        self.traceparent = traceparent
        self.amazonTraceID = amazonTraceID
    }
}
