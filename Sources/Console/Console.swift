import Foundation
import Gateway
import HTTPTypes
import JSONValues
import Logging
import Storage

/// The web console at `/console`, mounted in the gateway: its pages and its JSON calls are
/// answered here, inside the gateway's envelope (request ids, body limit, metrics, the log
/// line), and every other path by the gateway's API. Operators sign in with admin keys
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
        self.sessions = ConsoleSessions(clock: gateway.clock)
        self.cookie = SessionCookie(secure: secureCookies)
        self.failedLogins = FailedKeyLimiter(
            burst: gateway.limits.failedKeyBurst, perMinute: gateway.limits.failedKeysPerMinute, clock: gateway.clock)
        self.logger = logger
    }

    public func handle(_ request: GatewayRequest) async -> GatewayResponse {
        await gateway.handle(request, mounted: self)
    }

    /// The console's paths, for the router the API uses too.
    enum Target: Sendable {
        case page, signIn, signOut, session, models, traffic, keys, trial
        case asset(String)
        case release(model: String, action: String)
        case revokeKey(String)
    }

    static let routes = RouteTable<Target>([
        .init("/console", [.get]) { _ in .page },
        .init("/console/api/login", [.post]) { _ in .signIn },
        .init("/console/api/logout", [.post]) { _ in .signOut },
        .init("/console/api/session", [.get]) { _ in .session },
        .init("/console/api/models", [.get]) { _ in .models },
        .init("/console/api/traffic", [.get]) { _ in .traffic },
        .init("/console/api/keys", [.get, .post]) { _ in .keys },
        .init("/console/api/try", [.post]) { _ in .trial },
        .init("/console/assets/{name}", [.get]) { .asset($0[0]) },
        .init("/console/api/models/{model}/{action}", [.post]) { .release(model: $0[0], action: $0[1]) },
        .init("/console/api/keys/{key}/revoke", [.post]) { .revokeKey($0[0]) },
    ])

    func route(_ request: GatewayRequest) async throws -> GatewayResponse {
        let target: Target
        do {
            target = try Self.routes.match(method: request.method, path: request.path)
        } catch {
            switch error {
            case .notFound: throw ConsoleError.notFound(request.path)
            case .methodNotAllowed(let allowed): throw ConsoleError.methodNotAllowed(allowed)
            }
        }
        switch target {
        case .page:
            return ConsolePage.index
        case .asset(let name):
            guard let asset = ConsolePage.asset(named: name) else { throw ConsoleError.notFound(request.path) }
            return asset
        case .signIn:
            return try await signIn(request)
        case .session:
            let (_, session) = try await signedIn(request)
            return ConsoleJSON.response(SessionView(session))
        case .models:
            _ = try await signedIn(request)
            return ConsoleJSON.response(ModelsView(gateway))
        case .traffic:
            _ = try await signedIn(request)
            return ConsoleJSON.response(TrafficView(gateway.traffic.series()))
        case .keys where request.method != .post:
            _ = try await signedIn(request)
            return ConsoleJSON.response(try await KeysView.load(from: store))
        case .signOut, .keys, .trial, .release, .revokeKey:
            return try await change(target, request)
        }
    }

    /// The calls that change something: each needs the session's CSRF token.
    private func change(_ target: Target, _ request: GatewayRequest) async throws -> GatewayResponse {
        let (token, session) = try await signedIn(request)
        try ChangeCheck.token(request, expected: session.csrfToken)
        switch target {
        case .signOut:
            sessions.close(token)
            var response = GatewayResponse(status: .noContent)
            response.headers[.setCookie] = cookie.clear()
            return response
        case .keys: return try await createKey(request, by: session.adminKey)
        case .trial: return try await classify(request)
        case .release(let model, let action):
            return try await changeRelease(model: model, action: action, request, by: session.adminKey)
        case .revokeKey(let key): return try await revokeKey(key, by: session.adminKey)
        default: throw ConsoleError.notFound(request.path)
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
        do { return try RequestBody.object(request) } catch { throw .gateway(error) }
    }
}
