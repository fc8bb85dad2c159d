import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Serves a `Gateway` (or a `RequestHandler` in front of it) over HTTP/1.1 with Hummingbird: this target is the only one that knows
/// the HTTP server, so the Lambda runtime can feed the same gateway from API Gateway events.
/// Every connection passes `ConnectionGuardHandler` first, which times out slow clients and
/// bounds the number of open connections.
public enum HummingbirdHost {
    /// A server answering every request through `gateway`: the gateway itself, or the console
    /// in front of it.
    ///
    /// - Parameters:
    ///   - tls: serve HTTPS (HTTP/2 and HTTP/1.1) with this certificate, and send HSTS.
    ///   - onListening: called with the bound port once the server accepts connections (the
    ///     real port when `port` is 0).
    public static func server(
        gateway: some RequestHandler, host: String, port: Int, connectionLimits: ConnectionLimits = ConnectionLimits(),
        tls: ReloadableCertificate? = nil, services: [any Service] = [], logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(TLSSetupError) -> GatewayServer {
        let bodyLimit = gateway.limits.maxBodyBytes
        let drain = RequestDrain()
        let responder = CallbackResponder<ClientRequestContext> { request, context in
            let client = context.clientAddress
            guard drain.enter() else {
                let answer = await gateway.handle(
                    GatewayRequest(
                        method: request.method, path: request.uri.path, headers: request.headers,
                        authority: request.head.authority, clientAddress: client, arrivedDuringShutdown: true))
                return response(answer, closing: true, secure: tls != nil)
            }
            defer { drain.leave() }
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > bodyLimit {
                // Answered before the body is read; the guard lingers, then closes.
                let answer = await gateway.handle(
                    GatewayRequest(
                        method: request.method, path: request.uri.path, headers: request.headers, declaredBodyLength: declared,
                        authority: request.head.authority, clientAddress: client))
                return response(answer, closing: true, secure: tls != nil)
            }
            let body = try await collect(request.body, keepingAtMost: bodyLimit + 1)
            let answer = await gateway.handle(
                GatewayRequest(
                    method: request.method, path: request.uri.path, headers: request.headers, body: body,
                    authority: request.head.authority, clientAddress: client))
            // A body cut off at the limit was not read to its end: the connection cannot carry
            // another request.
            return response(answer, closing: (body?.count ?? 0) > bodyLimit, secure: tls != nil)
        }
        let registry = ConnectionRegistry(maxConnections: connectionLimits.maxConnections)
        let http1Configuration = HTTP1Channel.Configuration(additionalChannelHandlers: [RequestProgressHandler()])
        let server: HTTPServerBuilder
        if let tls {
            let context: NIOSSLContext
            do { context = try NIOSSLContext(configuration: try tls.serverConfiguration()) } catch let error as TLSSetupError {
                throw error
            } catch {
                throw .context("\(error)")
            }
            server = HTTPServerBuilder { responder in
                SecureChannel(
                    context: context, http1: HTTP1Channel(responder: responder, configuration: http1Configuration),
                    http2: HTTP2Channel(
                        responder: responder,
                        configuration: .init(idleTimeout: connectionLimits.keepAliveTimeout, streamConfiguration: .init())),
                    limits: connectionLimits, registry: registry)
            }
        } else {
            server = HTTPServerBuilder { responder in
                GuardedChannel(
                    base: HTTP1Channel(responder: responder, configuration: http1Configuration), limits: connectionLimits,
                    registry: registry)
            }
        }
        let application = Application(
            responder: responder, server: server, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            services: services, onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        return GatewayServer(
            application: application, drain: drain, shutdownTimeout: connectionLimits.shutdownTimeout, logger: logger)
    }

    /// One year, as browsers' HSTS preload lists expect; subdomains are the operator's call.
    static let strictTransportSecurity = "max-age=31536000"

    static func response(_ answer: GatewayResponse, closing: Bool, secure: Bool) -> Response {
        var headers = answer.headers
        if closing { headers[.connection] = "close" }
        if secure { headers[HTTPField.Name("Strict-Transport-Security")!] = strictTransportSecurity }
        return Response(status: answer.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
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
