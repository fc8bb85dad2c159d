import Gateway

/// Answers API Gateway proxy events (payload 1.0 and 2.0) through the same `Gateway` that
/// `magpie serve` runs: same routes, payloads, validation, CORS and errors.
public struct APIGatewayHandler: LambdaHandler {
    let gateway: Gateway

    public init(gateway: Gateway) {
        self.gateway = gateway
    }

    public func handle(_ invocation: Invocation) async throws -> [UInt8] {
        let event = try APIGatewayAdapter.event(from: invocation.event)
        let request = try APIGatewayAdapter.request(from: event)
        return APIGatewayAdapter.response(await gateway.handle(request), format: event.format)
    }
}
