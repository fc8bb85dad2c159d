import Foundation
import Gateway
import HTTPTypes
import JSONValues
import Logging
import Storage

/// The web console at `/console`, in front of the gateway: its pages and its JSON calls are
/// answered here, every other path by the gateway. Operators sign in with admin keys
/// (`magpie keys create --admin`); the pages are static files compiled into the binary and
/// draw everything from the calls under `/console/api/`.
public final class Console: RequestHandler {
    let gateway: Gateway
    let store: any KeyStore
    let sessions: ConsoleSessions
    let cookie: SessionCookie
    /// Wrong admin keys per client address, limited as wrong API keys are.
    let failedLogins: FailedKeyLimiter
    let logger: Logger

    public var limits: GatewayLimits { gateway.limits }

    /// - Parameters:
    ///   - secureCookies: the server speaks TLS, so the cookie is marked `Secure`.
    public init(gateway: Gateway, store: any KeyStore, secureCookies: Bool, logger: Logger) {
        self.gateway = gateway
        self.store = store
        self.sessions = ConsoleSessions()
        self.cookie = SessionCookie(secure: secureCookies)
        self.failedLogins = FailedKeyLimiter(
            burst: gateway.limits.failedKeyBurst, perMinute: gateway.limits.failedKeysPerMinute)
        self.logger = logger
    }

    static let prefix = "/console"

    public func handle(_ request: GatewayRequest) async -> GatewayResponse {
        guard request.path == Self.prefix || request.path.hasPrefix(Self.prefix + "/") else {
            return await gateway.handle(request)
        }
        let clock = ContinuousClock()
        let start = clock.now
        var response: GatewayResponse
        do {
            if request.arrivedDuringShutdown { throw ConsoleError.gateway(.shuttingDown) }
            // The host reads at most one byte past the limit, or, when the declared length is
            // over it, nothing.
            if (request.declaredBodyLength ?? 0) > limits.maxBodyBytes || (request.body?.count ?? 0) > limits.maxBodyBytes {
                throw ConsoleError.gateway(.bodyTooLarge(limit: limits.maxBodyBytes))
            }
            response = try await route(request)
        } catch let error as ConsoleError {
            response = error.response
        } catch let error as GatewayError {
            response = error.response
        } catch {
            logger.error("console call failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
            response = GatewayError.internalError.response
        }
        SecurityHeaders.apply(to: &response.headers)
        // Like the gateway's request lines; bodies (keys, texts) are never logged.
        logger.info(
            "console request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.path)", "status": "\(response.status.code)",
                "duration_ms": "\(Gateway.milliseconds(start.duration(to: clock.now)))",
            ])
        return response
    }

    private func route(_ request: GatewayRequest) async throws -> GatewayResponse {
        let segments = request.path.split(separator: "/").dropFirst().map(String.init)
        let method = request.method
        switch segments.joined(separator: "/") {
        case "":
            try Self.allow(method, [.get])
            return ConsolePage.index
        case "api/login":
            try Self.allow(method, [.post])
            return try await signIn(request)
        case "api/logout":
            try Self.allow(method, [.post])
            let (token, session) = try await signedIn(request)
            try ChangeCheck.token(request, expected: session.csrfToken)
            sessions.close(token)
            var response = GatewayResponse(status: .noContent)
            response.headers[.setCookie] = cookie.clear()
            return response
        case "api/session":
            try Self.allow(method, [.get])
            let (_, session) = try await signedIn(request)
            return ConsoleJSON.response(SessionView(session))
        case "api/models":
            try Self.allow(method, [.get])
            _ = try await signedIn(request)
            return ConsoleJSON.response(ModelsView(gateway))
        case "api/traffic":
            try Self.allow(method, [.get])
            _ = try await signedIn(request)
            return ConsoleJSON.response(TrafficView(gateway.traffic.series()))
        case "api/keys":
            try Self.allow(method, [.get, .post])
            let (_, session) = try await signedIn(request)
            if method == .get { return ConsoleJSON.response(try await KeysView.load(from: store)) }
            try ChangeCheck.token(request, expected: session.csrfToken)
            return try await createKey(request, by: session.adminKey)
        case "api/try":
            try Self.allow(method, [.post])
            let (_, session) = try await signedIn(request)
            try ChangeCheck.token(request, expected: session.csrfToken)
            return try await classify(request)
        default:
            return try await routeWithParameter(segments, request)
        }
    }

    /// The paths with a parameter: an asset's name, a model's or a key's.
    private func routeWithParameter(_ segments: [String], _ request: GatewayRequest) async throws -> GatewayResponse {
        let method = request.method
        if segments.count == 2, segments[0] == "assets" {
            try Self.allow(method, [.get])
            guard let asset = ConsolePage.asset(named: segments[1]) else { throw ConsoleError.notFound(request.path) }
            return asset
        }
        if segments.count == 4, segments[0] == "api", segments[1] == "models" {
            try Self.allow(method, [.post])
            let (_, session) = try await signedIn(request)
            try ChangeCheck.token(request, expected: session.csrfToken)
            return try await changeRelease(model: segments[2], action: segments[3], request, by: session.adminKey)
        }
        if segments.count == 4, segments[0] == "api", segments[1] == "keys", segments[3] == "revoke" {
            try Self.allow(method, [.post])
            let (_, session) = try await signedIn(request)
            try ChangeCheck.token(request, expected: session.csrfToken)
            return try await revokeKey(segments[2], by: session.adminKey)
        }
        throw ConsoleError.notFound(request.path)
    }

    static func allow(_ method: HTTPRequest.Method, _ allowed: [HTTPRequest.Method]) throws(ConsoleError) {
        guard allowed.contains(method) || (method == .head && allowed.contains(.get)) else {
            throw .methodNotAllowed(allowed)
        }
    }

    /// The request's session, its admin key still active; `notSignedIn` otherwise.
    func signedIn(_ request: GatewayRequest) async throws(ConsoleError) -> (token: String, session: ConsoleSessions.Session) {
        guard let token = cookie.token(in: request.headers), let session = sessions.session(token) else {
            throw .notSignedIn
        }
        if sessions.needsRevocationCheck(session) {
            let keys: [AdminKey]
            do { keys = try await store.adminKeys() } catch { throw ConsoleError.storage(error) }
            guard keys.contains(where: { $0.id == session.adminKey.id && !$0.isRevoked }) else {
                sessions.closeAll(of: session.adminKey.id)
                throw .notSignedIn
            }
            sessions.markChecked(token)
        }
        return (token, session)
    }

    /// The body as a JSON object, read as the API reads bodies.
    func object(_ request: GatewayRequest) throws(ConsoleError) -> [String: JSONValue] {
        do { return try gateway.parseJSONObject(request) } catch { throw .gateway(error) }
    }
}
