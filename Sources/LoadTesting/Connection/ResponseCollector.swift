import NIOCore
import NIOHTTP1

/// Gathers one response at a time for `HTTP1Connection`, on the channel's event loop: only
/// the body's length is kept, since a load generator reads answers to count them, not to use
/// them. A timeout or a closed connection fails the pending request and closes the channel.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private var pending: EventLoopPromise<HTTP1Response>?
    private var timeout: Scheduled<Void>?
    private var head: HTTPResponseHead?
    private var bodyBytes = 0

    /// Called on the event loop before the request is written.
    func expect(_ promise: EventLoopPromise<HTTP1Response>, timeout: TimeAmount, channel: any Channel) {
        guard channel.isActive else {
            promise.fail(RequestFailure.reset("the connection is closed"))
            return
        }
        pending = promise
        head = nil
        bodyBytes = 0
        self.timeout = channel.eventLoop.scheduleTask(in: timeout) { [weak self] in
            self?.fail(.timeout)
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let value): head = value
        case .body(let buffer): bodyBytes += buffer.readableBytes
        case .end:
            guard let head, let pending else { return }
            timeout?.cancel()
            self.pending = nil
            pending.succeed(HTTP1Response(status: Int(head.status.code), headers: head.headers, bodyBytes: bodyBytes))
            if !head.isKeepAlive { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.reset("the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.reset("\(error)"))
        context.close(promise: nil)
    }

    private func fail(_ failure: RequestFailure) {
        timeout?.cancel()
        timeout = nil
        pending?.fail(failure)
        pending = nil
    }
}
