import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Serves a `Gateway` over HTTP/1.1 with Hummingbird: this file is the only one that knows
/// the HTTP server, so the Lambda runtime can feed the same gateway from API Gateway events.
public enum HummingbirdHost {
    /// An application answering every request through `gateway`.
    ///
    /// - Parameter onListening: called with the bound port once the server accepts
    ///   connections (the real port when `port` is 0).
    public static func application(
        gateway: Gateway, host: String, port: Int, services: [any Service] = [], logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let bodyLimit = gateway.limits.maxBodyBytes
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let body = try await collect(request.body, keepingAtMost: bodyLimit + 1)
            let response = await gateway.handle(
                GatewayRequest(method: request.method, path: request.uri.path, headers: request.headers, body: body))
            return Response(
                status: response.status, headers: response.headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
        }
        return Application(
            responder: responder, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            services: services, onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Reads the body, keeping at most `limit` bytes: one more than the gateway accepts is
    /// enough for it to answer 413 in its own order (after the key check), and a huge body is
    /// never held in memory. Nil when there is no body.
    static func collect(_ body: RequestBody, keepingAtMost limit: Int) async throws -> [UInt8]? {
        var bytes: [UInt8] = []
        for try await buffer in body {
            let room = limit - bytes.count
            if room <= 0 { break }
            bytes.append(contentsOf: buffer.readableBytesView.prefix(room))
        }
        return bytes.isEmpty ? nil : bytes
    }
}
