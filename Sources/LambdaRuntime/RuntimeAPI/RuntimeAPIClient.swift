import NIOCore
import NIOHTTP1
import NIOPosix

/// A client for the Lambda Runtime API (version 2018-06-01) over one keep-alive HTTP/1.1
/// connection: the API serves one invocation at a time, so one connection, used strictly
/// request-then-response, is all a runtime needs.
public struct RuntimeAPIClient {
    static let version = "/2018-06-01"

    private let host: String
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    /// Connects to `endpoint` (`HOST:PORT`, the value of `AWS_LAMBDA_RUNTIME_API`) and runs
    /// `body` with the client; the connection closes when `body` returns.
    public static func withConnection<Result: Sendable>(
        to endpoint: String, _ body: (inout RuntimeAPIClient) async throws -> Result
    ) async throws -> Result {
        let (host, port) = try parse(endpoint)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var client = RuntimeAPIClient(host: endpoint, inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&client)
        }
    }

    static func parse(_ endpoint: String) throws(RuntimeAPIError) -> (String, Int) {
        guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]),
            (1...65_535).contains(port), colon > endpoint.startIndex
        else { throw .invalidEndpoint(endpoint) }
        return (String(endpoint[..<colon]), port)
    }

    /// `GET /runtime/invocation/next`: waits, for as long as it takes, for the next event.
    public mutating func nextInvocation() async throws -> Invocation {
        let path = Self.version + "/runtime/invocation/next"
        let (head, body) = try await exchange(.GET, path)
        guard head.status == .ok else { throw Self.unexpected(path, head, body) }
        guard let requestID = head.headers.first(name: "Lambda-Runtime-Aws-Request-Id"), !requestID.isEmpty else {
            throw RuntimeAPIError.missingHeader("Lambda-Runtime-Aws-Request-Id")
        }
        guard let deadline = head.headers.first(name: "Lambda-Runtime-Deadline-Ms").flatMap({ Int64($0) }) else {
            throw RuntimeAPIError.missingHeader("Lambda-Runtime-Deadline-Ms")
        }
        return Invocation(
            requestID: requestID, deadlineMilliseconds: deadline,
            invokedFunctionARN: head.headers.first(name: "Lambda-Runtime-Invoked-Function-Arn") ?? "",
            traceID: head.headers.first(name: "Lambda-Runtime-Trace-Id"), event: body)
    }

    /// `POST /runtime/invocation/{id}/response`.
    public mutating func sendResponse(to requestID: String, _ response: [UInt8]) async throws {
        try await post(Self.version + "/runtime/invocation/\(requestID)/response", body: response)
    }

    /// `POST /runtime/invocation/{id}/error`.
    public mutating func sendError(to requestID: String, _ error: FunctionError) async throws {
        try await post(Self.version + "/runtime/invocation/\(requestID)/error", body: error.json, errorType: error.type)
    }

    /// `POST /runtime/init/error`: start-up failed; Lambda reports it and ends the environment.
    public mutating func sendInitializationError(_ error: FunctionError) async throws {
        try await post(Self.version + "/runtime/init/error", body: error.json, errorType: error.type)
    }

    /// The API answers 202 Accepted to each of these posts.
    private mutating func post(_ path: String, body: [UInt8], errorType: String? = nil) async throws {
        let (head, answer) = try await exchange(.POST, path, body: body, errorType: errorType)
        guard head.status == .accepted else { throw Self.unexpected(path, head, answer) }
    }

    private static func unexpected(_ path: String, _ head: HTTPResponseHead, _ body: [UInt8]) -> RuntimeAPIError {
        .unexpectedStatus(path: path, status: Int(head.status.code), body: String(decoding: body.prefix(500), as: UTF8.self))
    }

    private mutating func exchange(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, errorType: String? = nil
    ) async throws -> (HTTPResponseHead, [UInt8]) {
        var headers = HTTPHeaders([("Host", host), ("User-Agent", "magpie")])
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.count))
        }
        if let errorType { headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType) }
        try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)))
        if let body, !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await outbound.write(.end(nil))

        var head: HTTPResponseHead?
        var received: [UInt8] = []
        while let part = try await inbound.next() {
            switch part {
            case .head(let value): head = value
            case .body(let buffer): received.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let head else { throw RuntimeAPIError.connectionClosed }
                return (head, received)
            }
        }
        throw RuntimeAPIError.connectionClosed
    }
}
