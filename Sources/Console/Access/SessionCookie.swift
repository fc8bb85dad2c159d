import HTTPTypes

/// The console's session cookie: `HttpOnly` (no script reads it), `SameSite=Strict` (no other
/// site's page sends it), `Path=/console`, and `Secure` when the server speaks TLS. The
/// `__Host-` prefix, which browsers accept only on secure cookies without a domain, is used
/// when it can be.
struct SessionCookie {
    let secure: Bool

    var name: String { secure ? "__Host-magpie_console" : "magpie_console" }

    func set(_ token: String) -> String {
        attributes("\(name)=\(token)")
    }

    /// Asks the browser to forget the cookie.
    func clear() -> String {
        attributes("\(name)=; Max-Age=0")
    }

    private func attributes(_ pair: String) -> String {
        // `__Host-` cookies must have Path=/; the cookie then also travels with API calls,
        // where it is ignored.
        let path = secure ? "/" : "/console"
        return pair + "; Path=\(path); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The token in a request's `Cookie` headers, if it carries this cookie.
    func token(in headers: HTTPFields) -> String? {
        for field in headers where field.name == .cookie {
            for pair in field.value.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == name {
                    let value = String(trimmed[trimmed.index(after: equals)...])
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }
}
