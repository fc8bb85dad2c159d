/// Whatever answers a host's requests: the gateway itself, or something in front of it that
/// serves more paths (the console). Hosts take this, so they need not know what is mounted.
public protocol RequestHandler: Sendable {
    /// The body limit the host enforces before handing a request over.
    var limits: GatewayLimits { get }
    func handle(_ request: GatewayRequest) async -> GatewayResponse
}

extension Gateway: RequestHandler {}
