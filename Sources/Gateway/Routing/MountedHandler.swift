/// Routes answered beside the API under a path prefix (the console under `/console`), inside
/// the gateway's envelope: the same request ids, body limit, metrics and log line.
package protocol MountedHandler: Sendable {
    /// `/console`: the handler answers this path and every path under it.
    var prefix: String { get }
    /// Its requests' route in metrics.
    var metricName: String { get }
    /// Answers one request; a `GatewayError` it throws is answered from the error table.
    func respond(to request: GatewayRequest) async throws -> GatewayResponse
    /// Adds what every answer under the prefix carries, the envelope's own refusals (413,
    /// shutting down) included: the console's security headers.
    func finish(_ response: inout GatewayResponse)
}

extension MountedHandler {
    func serves(_ path: String) -> Bool {
        path == prefix || (path.hasPrefix(prefix) && path.dropFirst(prefix.count).first == "/")
    }
}
