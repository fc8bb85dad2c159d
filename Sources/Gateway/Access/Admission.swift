import HTTPTypes

/// The admission stage, in API Gateway's order: the key is authenticated once; then `resolve`
/// names what the request is for (an unknown model or route is refused before anything is
/// counted, and an unknown key learns nothing of either); then the key's bucket and quota
/// count it. Without a store (local experiments), every request is admitted.
struct Admission: Sendable {
    let access: AccessControl?

    /// An admitted request: its key, which keeps it on one side of a canary, and its
    /// rate-limit headers.
    struct Admitted: Sendable {
        var keyID: String?
        var rateLimitHeaders: HTTPFields = [:]
    }

    func admit<Resolved>(
        _ request: GatewayRequest, resolve: () throws(GatewayError) -> Resolved
    ) async throws(GatewayError) -> (Admitted, Resolved) {
        guard let access else { return (Admitted(), try resolve()) }
        let credential = try await access.authenticate(request.headers, from: request.clientAddress)
        let resolved = try resolve()
        let headers = try await access.admit(credential)
        return (Admitted(keyID: credential.key.id, rateLimitHeaders: headers), resolved)
    }
}
