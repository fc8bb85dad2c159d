import NIOCore

/// The first handler of every connection, before HTTP decoding: it sees each byte arrive, keeps
/// the connection's deadline for the phase it is in, and closes the connection when the client
/// misses it, with a `408` written straight to the socket when a request was cut short.
/// `RequestProgressHandler`, after decoding, tells it where requests and responses begin and end.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where the connection is, and so which deadline applies.
    enum Phase {
        /// No byte of a request yet: a new connection (`fresh`) or one kept alive after a response.
        case waiting(since: NIODeadline, fresh: Bool)
        case readingHead(since: NIODeadline)
        /// `answered`: a response was written before the body ended (an early 413).
        case readingBody(head: NIODeadline, lastByte: NIODeadline, answered: Bool)
        /// The request is read; the gateway's own timeouts bound the answer.
        case responding
        /// Reading and dropping what the client still sends after an answer that closes.
        case lingering(until: NIODeadline)
    }

    private let limits: ConnectionLimits
    private let registry: ConnectionRegistry
    private(set) var phase = Phase.waiting(since: .now(), fresh: true)
    private var closeAfterResponse = false
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var started = false
    /// False behind TLS, where `TLSConnectionCounter` counts the connection from its opening.
    private let countsConnection: Bool

    init(limits: ConnectionLimits, registry: ConnectionRegistry, countsConnection: Bool = true) {
        self.limits = limits
        self.registry = registry
        self.countsConnection = countsConnection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if !started { start(context) }
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        started = true
        guard !countsConnection || registry.admit() else {
            respondAndClose(
                status: "503 Service Unavailable", errorType: "too_many_connections",
                message: "The server has too many open connections; retry shortly.", retryAfter: true)
            return
        }
        phase = .waiting(since: .now(), fresh: true)
        registry.becameIdle(context.channel)
        reschedule()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(context)
    }

    private func finish(_ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if started {
            started = false
            if countsConnection { registry.closed(context.channel) }
        }
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch phase {
        case .waiting:
            phase = .readingHead(since: .now())
            registry.becameBusy(context.channel)
            reschedule()
        case .readingBody(let head, _, let answered):
            phase = .readingBody(head: head, lastByte: .now(), answered: answered)
        case .readingHead, .responding, .lingering:
            break
        }
        context.fireChannelRead(data)
    }

    // MARK: Told by RequestProgressHandler

    func requestHeadArrived() {
        let now = NIODeadline.now()
        phase = .readingBody(head: now, lastByte: now, answered: false)
        closeAfterResponse = false
        reschedule()
    }

    func requestEnded() {
        if case .readingBody = phase { phase = .responding }
        reschedule()
    }

    func responseHeadWritten(closesConnection: Bool) {
        closeAfterResponse = closesConnection
        if case .readingBody(let head, let lastByte, _) = phase {
            phase = .readingBody(head: head, lastByte: lastByte, answered: true)
        }
    }

    func responseEnded() {
        guard let context else { return }
        switch phase {
        case .readingBody where closeAfterResponse:
            phase = .lingering(until: .now() + TimeAmount(limits.lingerTimeout))
            reschedule()
        case _ where closeAfterResponse:
            context.close(promise: nil)
        case .responding:
            phase = .waiting(since: .now(), fresh: false)
            registry.becameIdle(context.channel)
            reschedule()
        default:
            break
        }
    }

    // MARK: Deadlines

    private var deadline: NIODeadline? {
        switch phase {
        case .waiting(let since, let fresh): since + TimeAmount(fresh ? limits.headTimeout : limits.keepAliveTimeout)
        case .readingHead(let since): since + TimeAmount(limits.headTimeout)
        case .readingBody(let head, let lastByte, _):
            min(lastByte + TimeAmount(limits.bodyGapTimeout), head + TimeAmount(limits.requestTimeout))
        case .responding: nil
        case .lingering(let until): until
        }
    }

    /// Keeps one timer per connection, at or before the deadline; a timer that fires early
    /// (the deadline moved on as bytes arrived) sets itself again.
    private func reschedule() {
        guard let context, let deadline else {
            timer?.cancel()
            timer = nil
            timerDeadline = nil
            return
        }
        if let timerDeadline, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerDeadline = nil
            expire()
        }
    }

    private func expire() {
        guard let context, let deadline else { return }
        guard deadline <= .now() else {
            reschedule()
            return
        }
        switch phase {
        case .readingHead, .readingBody(_, _, answered: false):
            respondAndClose(
                status: "408 Request Timeout", errorType: "request_timeout",
                message: "The request did not arrive in time; send it at once.", retryAfter: false)
        case .waiting, .readingBody, .responding, .lingering:
            context.close(promise: nil)
        }
    }

    /// Writes a whole response straight to the socket, for connections the HTTP layer has
    /// nothing to say on (a request cut short, a connection over the limit), and closes.
    private func respondAndClose(status: String, errorType: String, message: String, retryAfter: Bool) {
        guard let context else { return }
        let body = #"{"message":"\#(message)","error_type":"\#(errorType)"}"#
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + (retryAfter ? "Retry-After: 1\r\n" : "") + "Connection: close\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: head + body))).whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
