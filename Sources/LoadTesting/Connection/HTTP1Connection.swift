import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection, used strictly request-then-response, as a load
/// generator needs: connections are reused across requests so the figures are the server's,
/// not TCP handshakes'. A request that outlives its timeout closes the connection (a late
/// answer would otherwise be read as the next request's) and the caller connects anew.
public final class HTTP1Connection: Sendable {
    private let channel: any Channel
    private let collector: ResponseCollector

    private init(channel: any Channel, collector: ResponseCollector) {
        self.channel = channel
        self.collector = collector
    }

    /// - Parameter tls: for an `https://` target, the handshake comes first.
    public static func connect(host: String, port: Int, tls: TLSClient? = nil, timeout: TimeAmount, on eventLoop: any EventLoop)
        async throws(RequestFailure) -> HTTP1Connection
    {
        do {
            return try await opening(host: host, port: port, tls: tls, timeout: timeout, on: eventLoop).get()
        } catch let failure as RequestFailure {
            throw failure
        } catch {
            throw .connect("\(error)")
        }
    }

    /// `connect` as a future, for drivers that run on the event loop; it fails with a
    /// `RequestFailure`.
    static func opening(host: String, port: Int, tls: TLSClient?, timeout: TimeAmount, on eventLoop: any EventLoop)
        -> EventLoopFuture<HTTP1Connection>
    {
        let collector = ResponseCollector()
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(try tls.handler()) }
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: host, port: port)
            .map { HTTP1Connection(channel: $0, collector: collector) }
            .flatMapErrorThrowing { error in
                if let error = error as? ChannelError, error == .connectTimeout(timeout) { throw RequestFailure.timeout }
                throw RequestFailure.connect("\(error)")
            }
    }

    /// Sends `request` and waits for the whole response, at most `timeout`.
    public func execute(_ request: HTTP1Request, timeout: TimeAmount) async throws(RequestFailure) -> HTTP1Response {
        let promise = channel.eventLoop.makePromise(of: HTTP1Response.self)
        channel.eventLoop.execute { self.send(request, timeout: timeout, answering: promise) }
        do {
            return try await promise.futureResult.get()
        } catch let failure as RequestFailure {
            throw failure
        } catch {
            throw .reset("\(error)")
        }
    }

    /// The connection's event loop, on which `send` must be called.
    var eventLoop: any EventLoop { channel.eventLoop }

    /// Writes `request` and completes `promise` with its response or a `RequestFailure`. Called
    /// on the event loop, so a closed-loop driver sends the next request from the previous
    /// one's completion with no hop to another thread.
    func send(_ request: HTTP1Request, timeout: TimeAmount, answering promise: EventLoopPromise<HTTP1Response>) {
        collector.expect(promise, head: request.method == .HEAD, timeout: timeout, channel: channel)
        channel.writeAndFlush(request.encoded(allocator: channel.allocator), promise: nil)
    }

    /// Whether the connection can take another request.
    public var isOpen: Bool { channel.isActive }

    public func close() async {
        try? await channel.close()
    }

    /// Closes without waiting, from the event loop.
    func abandon() {
        channel.close(promise: nil)
    }
}

/// A request as sent: the target is the path and query, the host header included. Its head
/// is encoded once; a run sends the same head with each of its bodies.
public struct HTTP1Request: Sendable {
    public let method: HTTPMethod
    public var body: ByteBuffer?
    /// The request line and headers, without `Content-Length`, which follows the body's length.
    private let encodedHead: ByteBuffer

    public init(method: HTTPMethod, target: String, headers: HTTPHeaders, body: ByteBuffer?) {
        self.method = method
        self.body = body
        var head = ByteBuffer(string: "\(method.rawValue) \(target) HTTP/1.1\r\n")
        for (name, value) in headers where name.lowercased() != "content-length" {
            head.writeString("\(name): \(value)\r\n")
        }
        encodedHead = head
    }

    /// The request's bytes as one buffer, written with one call.
    func encoded(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: encodedHead.readableBytes + 32 + (body?.readableBytes ?? 0))
        buffer.writeImmutableBuffer(encodedHead)
        if let body {
            buffer.writeString("Content-Length: \(body.readableBytes)\r\n\r\n")
            buffer.writeImmutableBuffer(body)
        } else {
            buffer.writeStaticString("\r\n")
        }
        return buffer
    }
}

public struct HTTP1Response: Sendable {
    public var status: Int
    public var bodyBytes: Int
    /// The raw head, parsed into `headers` only when asked.
    var head: ByteBuffer

    public var headers: HTTPHeaders { HTTP1ResponseParser.headers(of: head) }
}

/// Why a request got no response: the kinds a load report counts apart.
public enum RequestFailure: Error, Equatable, Sendable {
    case timeout
    case connect(String)
    case reset(String)

    /// The kind, as reports name it.
    public var kind: String {
        switch self {
        case .timeout: "timeout"
        case .connect: "connect"
        case .reset: "reset"
        }
    }
}
