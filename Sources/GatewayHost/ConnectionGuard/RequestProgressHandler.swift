import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// After HTTP decoding: tells the connection's `ConnectionGuardHandler` where each request's
/// head and end, and each response's head and end, pass, so it knows which deadline applies.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var guardHandler: ConnectionGuardHandler?

    func handlerAdded(context: ChannelHandlerContext) {
        guardHandler = try? context.pipeline.syncOperations.handler(type: ConnectionGuardHandler.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guardHandler = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: guardHandler?.requestHeadArrived()
        case .body: break
        case .end: guardHandler?.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            guardHandler?.responseHeadWritten(closesConnection: head.headerFields[.connection]?.lowercased() == "close")
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            let guardHandler = guardHandler
            let written = promise ?? context.eventLoop.makePromise()
            written.futureResult.whenComplete { _ in guardHandler?.responseEnded() }
            context.write(data, promise: written)
        }
    }
}
