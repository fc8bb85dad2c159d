import NIOCore

/// Counts an HTTPS connection against `max_connections` from its first moment, in front of
/// TLS. While its handshake runs it is idle, so a new connection over the limit closes it
/// first. Once HTTP/2 is negotiated it counts as busy, and HTTP/2's idle timeout closes it;
/// its streams share it. An HTTP/1.1 connection is handed to `ConnectionGuardHandler`, which
/// marks it idle or busy request by request. Over the limit with nothing idle, the new
/// connection is closed before its handshake: no HTTP answer can be sent before TLS.
final class TLSConnectionCounter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let registry: ConnectionRegistry
    private var counted = false

    init(registry: ConnectionRegistry) {
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if !counted { start(context) }
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        counted = true
        guard registry.admit() else {
            context.close(promise: nil)
            return
        }
        registry.becameIdle(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(context)
    }

    private func finish(_ context: ChannelHandlerContext) {
        guard counted else { return }
        counted = false
        registry.closed(context.channel)
    }
}
