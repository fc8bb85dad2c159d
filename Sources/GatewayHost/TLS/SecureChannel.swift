import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOHTTP2
import NIOSSL
import NIOTLS

/// TLS, then HTTP/2 or HTTP/1.1 as ALPN chooses (Hummingbird's `HTTP2UpgradeChannel`, with
/// the connection guard added to HTTP/1.1 connections after decryption, where it sees requests
/// and can answer 408 through TLS). Every connection counts against `max_connections` from
/// its opening (`TLSConnectionCounter`). HTTP/2 connections are bounded by the handshake
/// deadline and HTTP/2's own idle timeout; their streams share the connection.
struct SecureChannel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<NIONegotiatedHTTPVersion<HTTP1Channel.Value, HTTP2Channel.Value>>
        let channel: any Channel
    }

    let context: NIOSSLContext
    let http1: HTTP1Channel
    let http2: HTTP2Channel
    let limits: ConnectionLimits
    let registry: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(TLSConnectionCounter(registry: registry))
            try pipeline.addHandler(NIOSSLServerHandler(context: context))
            try pipeline.addHandler(HandshakeDeadlineHandler(timeout: TimeAmount(limits.headTimeout)))
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<
                NIONegotiatedHTTPVersion<HTTP1Channel.Value, HTTP2Channel.Value>
            > { result in
                switch result {
                case .negotiated("h2"):
                    registry.becameBusy(channel)
                    return http2.setup(channel: channel, logger: logger).map { .http2($0) }
                case .negotiated("http/1.1"), .fallback:
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ConnectionGuardHandler(limits: limits, registry: registry, countsConnection: false))
                    }.flatMap {
                        http1.setup(channel: channel, logger: logger).map { .http1_1($0) }
                    }
                case .negotiated:
                    return channel.close().flatMap { channel.eventLoop.makeFailedFuture(NIOHTTP2Errors.invalidALPNToken()) }
                }
            }
            try pipeline.addHandler(negotiation)
            return Value(negotiated: negotiation.protocolNegotiationResult, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http1_1(let connection): await http1.handle(value: connection, logger: logger)
            case .http2(let connection): await http2.handle(value: connection, logger: logger)
            }
        } catch {
            logger.debug("TLS connection ended before HTTP began", metadata: ["error": "\(error)"])
        }
    }
}
