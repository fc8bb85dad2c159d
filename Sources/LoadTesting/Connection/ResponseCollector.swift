import NIOCore

/// Gathers one response at a time for `HTTP1Connection`, on the channel's event loop, with
/// `HTTP1ResponseParser`: a load generator reads answers to count them, not to use them. A
/// timeout or a closed connection fails the pending request and closes the channel.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private var parser = HTTP1ResponseParser()
    private var pending: EventLoopPromise<HTTP1Response>?
    private var timeout: Scheduled<Void>?
    /// Whether the pending request is a HEAD, whose response has no body.
    private var bodiless = false

    /// Called on the event loop before the request is written.
    func expect(_ promise: EventLoopPromise<HTTP1Response>, head: Bool, timeout: TimeAmount, channel: any Channel) {
        guard channel.isActive else {
            promise.fail(RequestFailure.reset("the connection is closed"))
            return
        }
        pending = promise
        bodiless = head
        self.timeout = channel.eventLoop.scheduleTask(in: timeout) { [weak self] in
            self?.fail(.timeout)
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        do {
            for response in try parser.feed(&bytes, bodiless: bodiless) {
                guard let pending else {
                    fail(.reset("the server answered a request that was not sent"))
                    context.close(promise: nil)
                    return
                }
                timeout?.cancel()
                self.pending = nil
                pending.succeed(HTTP1Response(status: response.status, bodyBytes: response.bodyBytes, head: response.head))
                if !response.keepAlive { context.close(promise: nil) }
            }
        } catch {
            fail(.reset("unreadable response: \(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let response = parser.finishAtClose(), let pending {
            timeout?.cancel()
            self.pending = nil
            pending.succeed(HTTP1Response(status: response.status, bodyBytes: response.bodyBytes, head: response.head))
        }
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
