import Foundation
import NIOCore
import NIOHTTP1

/// What one `magpie bench` run does: the endpoint, the requests, how they are paced and when
/// the run ends. Built from the command line and checked before any request is sent, so a bad
/// URL, header or template is an error that names it, not a run full of failures.
public struct BenchPlan: Sendable {
    public enum Pacing: Sendable, Equatable {
        /// `connections` connections, each sending its next request when the last is answered.
        case closedLoop(connections: Int)
        /// Requests at a constant `rate` per second, on up to `connections` connections; each
        /// one's latency runs from when it was due, so a slow server's queue shows in it.
        case openLoop(rate: Double, connections: Int)

        var connections: Int {
            switch self {
            case .closedLoop(let connections), .openLoop(_, let connections): connections
            }
        }
    }

    public enum Stop: Sendable, Equatable {
        case after(Duration)
        case requests(Int)
    }

    public var target: BenchTarget
    public var method: HTTPMethod
    public var headers: HTTPHeaders
    public var bodies: RequestBodies?
    public var pacing: Pacing
    public var stop: Stop
    public var warmup: Duration
    public var timeout: Duration
    /// The TLS context of an `https://` target, made once for the run.
    public let tls: TLSClient?

    public init(
        target: BenchTarget, method: HTTPMethod, headers: HTTPHeaders, bodies: RequestBodies?, pacing: Pacing, stop: Stop,
        warmup: Duration, timeout: Duration
    ) throws(BenchError) {
        switch pacing {
        case .closedLoop(let connections):
            guard connections > 0 else { throw .invalidOption("--concurrency", "must be at least 1") }
        case .openLoop(let rate, let connections):
            guard rate > 0, rate.isFinite else {
                throw .invalidOption("--rate", "must be a positive number of requests per second")
            }
            guard connections > 0 else { throw .invalidOption("--concurrency", "must be at least 1") }
        }
        switch stop {
        case .after(let duration): guard duration > .zero else { throw .invalidOption("--duration", "must be longer than 0") }
        case .requests(let count): guard count > 0 else { throw .invalidOption("--requests", "must be at least 1") }
        }
        guard timeout > .zero else { throw .invalidOption("--timeout", "must be longer than 0") }
        guard warmup >= .zero else { throw .invalidOption("--warmup", "cannot be negative") }
        self.target = target
        self.method = method
        self.headers = headers
        self.bodies = bodies
        self.pacing = pacing
        self.stop = stop
        self.warmup = warmup
        self.timeout = timeout
        tls = try TLSClient.make(for: target)
    }

    /// `timeout` as NIO schedules it.
    var timeoutAmount: TimeAmount { .nanoseconds(Int64(Recorder.microseconds(timeout)) * 1000) }

    /// The headers every request carries: the user's, with `Host`, and `Content-Type` for a
    /// JSON body unless the user set one.
    var requestHeaders: HTTPHeaders {
        var headers = self.headers
        if !headers.contains(name: "Host") { headers.add(name: "Host", value: target.hostHeader) }
        if bodies != nil && !headers.contains(name: "Content-Type") {
            headers.add(name: "Content-Type", value: "application/json")
        }
        return headers
    }

    /// Reads `Name: value`, as curl and wrk take headers.
    public static func header(_ text: String) throws(BenchError) -> (name: String, value: String) {
        guard let colon = text.firstIndex(of: ":") else { throw .invalidHeader(text, "it has no ':' between name and value") }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let token = CharacterSet(charactersIn: "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(token.contains) else {
            throw .invalidHeader(text, "'\(name)' is not a header name")
        }
        guard !value.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw .invalidHeader(text, "its value holds a line break")
        }
        return (name, value)
    }
}

/// Where requests go: an `http://` or `https://` URL.
public struct BenchTarget: Sendable, Equatable {
    public var url: String
    public var host: String
    public var port: Int
    /// `https`: each connection starts with a TLS handshake, verified against the system's
    /// roots or `trustedCertificates`.
    public var secure: Bool
    /// A PEM file of certificates to trust instead of the system's (a test or internal CA).
    public var trustedCertificates: String?
    /// Path and query, as the request line carries them.
    public var requestTarget: String

    public init(parsing url: String, trustedCertificates: String? = nil) throws(BenchError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw .invalidURL(url, "it is not a URL")
        }
        guard scheme == "http" || scheme == "https" else { throw .invalidURL(url, "only http and https URLs are supported") }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL(url, "it names no host") }
        secure = scheme == "https"
        self.trustedCertificates = trustedCertificates
        let port = components.port ?? (secure ? 443 : 80)
        guard (1...65_535).contains(port) else { throw .invalidURL(url, "port \(port) is out of range") }
        self.url = url
        self.host = host
        self.port = port
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        requestTarget = components.percentEncodedQuery.map { path + "?" + $0 } ?? path
    }

    var hostHeader: String { port == (secure ? 443 : 80) ? host : "\(host):\(port)" }
}
