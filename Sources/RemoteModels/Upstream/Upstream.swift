import AWSClient
import ModelRuntime

/// Where a remote model's requests go: SageMaker's `InvokeEndpoint`, signed, or a plain HTTP
/// server. Both retry what AWS's standard mode retries, within the call's deadline.
protocol Upstream: Sendable {
    func send(
        _ body: [UInt8], context: InvocationContext, deadline: ContinuousClock.Instant,
        observe: (RetryPolicy.Event) -> Void
    ) async throws(AWSClientError) -> (answer: HTTPTransport.Answer, attempts: Int)
}

extension InvocationContext {
    /// The trace headers passed on; never signed, since proxies may rewrite them.
    var traceHeaders: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let traceparent { headers.append(("traceparent", traceparent)) }
        if let amazonTraceID { headers.append(("X-Amzn-Trace-Id", amazonTraceID)) }
        headers.append(("X-Request-Id", requestID))
        return headers
    }
}

/// SageMaker Runtime, with `ModelNotReadyException` (a serverless endpoint starting a cold
/// instance) retried beside the standard throttling and transient errors.
struct SageMakerUpstream: Upstream {
    let runtime: SageMakerRuntime
    let endpointName: String

    func send(
        _ body: [UInt8], context: InvocationContext, deadline: ContinuousClock.Instant,
        observe: (RetryPolicy.Event) -> Void
    ) async throws(AWSClientError) -> (answer: HTTPTransport.Answer, attempts: Int) {
        let response = try await runtime.invokeEndpoint(
            endpointName, body: body, unsignedHeaders: context.traceHeaders, deadline: deadline, observe: observe)
        return (response.answer, response.attempts)
    }
}

/// A plain HTTP inference server; headers come from the environment (tokens, API keys).
struct HTTPUpstream: Upstream {
    let transport: HTTPTransport
    let url: String
    let headers: [(name: String, value: String)]
    let retryPolicy: RetryPolicy

    func send(
        _ body: [UInt8], context: InvocationContext, deadline: ContinuousClock.Instant,
        observe: (RetryPolicy.Event) -> Void
    ) async throws(AWSClientError) -> (answer: HTTPTransport.Answer, attempts: Int) {
        let requestHeaders =
            [("Content-Type", "application/json"), ("Accept", "application/json")] + headers + context.traceHeaders
        let (answer, attempts) = try await retryPolicy.run(until: deadline, observe: observe) { _ throws(AWSClientError) in
            let answer = try await transport.send(
                method: "POST", url: url, headers: requestHeaders, body: body, deadline: deadline)
            guard (200..<300).contains(answer.status) else {
                throw .service(AWSServiceError(statusCode: answer.status, headers: answer.headers, body: answer.body))
            }
            return answer
        }
        return (answer, attempts)
    }
}
