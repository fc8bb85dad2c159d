/// One event handed out by `GET /runtime/invocation/next`, with the headers AWS documents
/// for it.
public struct Invocation: Sendable {
    /// `Lambda-Runtime-Aws-Request-Id`: names the invocation in the response or error.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when the function times out, in milliseconds since the
    /// Unix epoch.
    public var deadlineMilliseconds: Int64
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    public var invokedFunctionARN: String
    /// `Lambda-Runtime-Trace-Id`: the X-Ray header, exported as `_X_AMZN_TRACE_ID` while the
    /// invocation runs.
    public var traceID: String?
    public var event: [UInt8]

    public init(
        requestID: String, deadlineMilliseconds: Int64, invokedFunctionARN: String, traceID: String?, event: [UInt8]
    ) {
        self.requestID = requestID
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.event = event
    }
}
