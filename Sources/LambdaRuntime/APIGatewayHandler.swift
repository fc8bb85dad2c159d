import Gateway
import HTTPTypes
import Releases

/// Answers API Gateway proxy events (payload 1.0 and 2.0) through the same `Gateway` that
/// `magpie serve` runs: same routes, payloads, validation, CORS and errors.
public struct APIGatewayHandler: LambdaHandler {
    let gateway: Gateway
    let serverErrors: ServerErrorMetric?
    static let amazonTraceHeader = HTTPField.Name("X-Amzn-Trace-Id")!

    /// - Parameter serverErrors: where 5xx answers are counted for the canary's alarm; nil
    ///   outside Lambda, where no CloudWatch reads the lines.
    public init(gateway: Gateway, serverErrors: ServerErrorMetric? = nil) {
        self.gateway = gateway
        self.serverErrors = serverErrors
    }

    public func handle(_ invocation: Invocation) async throws -> [UInt8] {
        // A canary started, stepped or ended meanwhile applies to this warm environment too, and
        // the canary is judged on what this environment served.
        await gateway.releases?.followIfStale()
        let event = try APIGatewayAdapter.event(from: invocation.event)
        var request = try APIGatewayAdapter.request(from: event)
        // The X-Ray trace of this invocation reaches remote models and the log line, as a
        // client's traceparent does.
        if let traceID = invocation.traceID, !traceID.isEmpty, request.headers[Self.amazonTraceHeader] == nil {
            request.headers[Self.amazonTraceHeader] = traceID
        }
        let response = await gateway.handle(request)
        serverErrors?.record(status: response.status.code)
        return APIGatewayAdapter.response(response, format: event.format)
    }
}
