/// How long a client may take over each part of a connection, and how many connections may be
/// open at once: the defences a server facing the internet needs against clients that are
/// slow on purpose (slowloris, slow bodies) or that open sockets and never use them.
public struct ConnectionLimits: Sendable, Equatable {
    /// From a connection's first byte of a request (or its opening) to the end of the request
    /// head. nginx's `client_header_timeout` is 60 s; a real client sends a head in one packet.
    public var headTimeout: Duration
    /// The longest gap between two pieces of a request body (nginx's `client_body_timeout`).
    public var bodyGapTimeout: Duration
    /// From a request's head to the end of its body, however steadily the body trickles in.
    public var requestTimeout: Duration
    /// How long a connection may wait idle for its next request.
    public var keepAliveTimeout: Duration
    /// Open connections at most. Beyond it the oldest idle keep-alive connection is closed to
    /// make room, and when none is idle the new connection gets 503 and is closed.
    public var maxConnections: Int
    /// After an answer that closes the connection while the client is still sending (413 on a
    /// declared body over the limit), input is read and dropped this long before closing, so
    /// the client reads the answer instead of a reset.
    public var lingerTimeout: Duration
    /// On SIGTERM, how long requests already begun may take to finish; new ones get 503
    /// meanwhile. Below the 30 s that Kubernetes and ECS wait before SIGKILL.
    public var shutdownTimeout: Duration

    public init(
        headTimeout: Duration = .seconds(10), bodyGapTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30),
        keepAliveTimeout: Duration = .seconds(60), maxConnections: Int = 10_000, lingerTimeout: Duration = .seconds(2),
        shutdownTimeout: Duration = .seconds(10)
    ) {
        self.headTimeout = headTimeout
        self.bodyGapTimeout = bodyGapTimeout
        self.requestTimeout = requestTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.maxConnections = maxConnections
        self.lingerTimeout = lingerTimeout
        self.shutdownTimeout = shutdownTimeout
    }
}
