import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One HTTP exchange with a deadline, its answer read whole (up to a size limit) and its
/// failures sorted into the kinds a retry policy tells apart: refused or reset connections,
/// timeouts, and answers.
public struct HTTPTransport: Sendable {
    public let client: HTTPClient
    /// Answers larger than this are refused rather than buffered.
    public var maxResponseBytes: Int

    public init(client: HTTPClient = HTTPTransport.sharedClient, maxResponseBytes: Int = 16 * 1024 * 1024) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
    }

    /// One client for the process, like AsyncHTTPClient's own shared one but configured for
    /// calls that a retry policy governs: a refused connection fails at once instead of being
    /// retried inside the pool until the deadline, and redirects are not followed (a signed
    /// request must not be replayed elsewhere). Magpie propagates trace context itself
    /// (`traceparent`, X-Ray), so the client's own spans are off: they cost about 2% of the
    /// gateway's CPU per remote call even when no tracer is installed.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.tracing.tracer = nil
        // Each remote model's `max_concurrency` bounds its calls in flight. The pool must not be
        // the tighter bound (AsyncHTTPClient's default is 8 connections a host), or calls queue
        // inside it, unseen by the model's queue, its Retry-After and its metrics.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1024
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// An answer, whatever its status.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

    }

    public func send(
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?,
        deadline: ContinuousClock.Instant
    ) async throws(AWSClientError) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { throw .timeout }
        let timeout = TimeAmount.nanoseconds(
            remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000)
        do {
            let response = try await client.execute(request, timeout: timeout)
            let collected = try await response.body.collect(upTo: maxResponseBytes)
            return Answer(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: Array(collected.readableBytesView))
        } catch {
            throw Self.classify(error)
        }
    }

    /// AsyncHTTPClient's and NIO's errors as the retry policy sees them.
    static func classify(_ error: any Error) -> AWSClientError {
        if let error = error as? AWSClientError { return error }
        if let error = error as? HTTPClientError {
            if [.readTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout, .writeTimeout].contains(error) {
                return .timeout
            }
            if error == .remoteConnectionClosed { return .connection("the connection was closed before the answer was complete") }
            if error == .connectTimeout { return .connection("connecting timed out") }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) { return .configuration("invalid URL (\(error))") }
            return .connection("\(error)")
        }
        if error is NIOTooManyBytesError { return .invalidResponse("the answer is larger than the limit") }
        if let error = error as? IOError {
            if error.errnoCode == ECONNRESET || error.errnoCode == EPIPE { return .connection("the connection was reset") }
            return .connection("\(error)")
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return .connection("the connection was refused")
        }
        return .connection(text)
    }
}
