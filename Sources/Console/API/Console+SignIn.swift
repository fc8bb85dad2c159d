import Gateway
import JSONValues
import Storage

extension Console {
    /// `POST /console/api/login {"key": "mgpadm_…"}`: opens a session for an active admin key.
    /// Wrong keys take tokens from the client address's bucket, as wrong API keys do, so
    /// guessing is refused with 429 long before it could succeed.
    func signIn(_ request: GatewayRequest) async throws -> GatewayResponse {
        try ChangeCheck.sameOrigin(request)
        let client = request.clientAddress ?? "unknown"
        if let seconds = failedLogins.wait(for: client) { throw ConsoleError.tooManyFailedLogins(retryAfterSeconds: seconds) }
        guard case .string(let secret)? = try object(request)["key"], !secret.isEmpty else {
            throw ConsoleError.invalidRequest("send {\"key\": \"ADMIN KEY\"}")
        }
        let key: AdminKey?
        do { key = try await store.authenticateAdmin(secret: secret) } catch { throw ConsoleError.storage(error) }
        guard let key else {
            failedLogins.recordFailure(from: client)
            logger.notice("console sign-in refused", metadata: ["client": "\(client)"])
            throw ConsoleError.wrongKey
        }
        let (token, session) = sessions.open(for: key)
        logger.notice("console sign-in", metadata: ["admin_key": "\(key.id)", "client": "\(client)"])
        var response = ConsoleJSON.response(SessionView(session))
        response.headers[.setCookie] = cookie.set(token)
        return response
    }
}

/// Who is signed in, and the token the page sends with every change.
struct SessionView: JSONWritable {
    var adminKeyId: String
    var adminKeyName: String
    var csrfToken: String

    init(_ session: ConsoleSessions.Session) {
        adminKeyId = session.adminKey.id
        adminKeyName = session.adminKey.name
        csrfToken = session.csrfToken
    }

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("admin_key_id") { $0.string(adminKeyId) }
            members.member("admin_key_name") { $0.string(adminKeyName) }
            members.member("csrf_token") { $0.string(csrfToken) }
        }
    }
}
