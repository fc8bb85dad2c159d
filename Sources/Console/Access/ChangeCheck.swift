import Gateway
import HTTPTypes

/// Cross-site request forgery defences for every change (any method but GET and HEAD):
/// the session's CSRF token in `X-CSRF-Token`, compared in constant time, and, when the
/// browser says where the request comes from (`Origin`, `Sec-Fetch-Site`), the console's own
/// origin. The `SameSite=Strict` cookie is a third, independent layer.
enum ChangeCheck {
    static let tokenHeader = HTTPField.Name("X-CSRF-Token")!
    static let fetchSiteHeader = HTTPField.Name("Sec-Fetch-Site")!

    /// Refuses a request that another origin sent. Sign-in has no session yet, so this is its
    /// only check (with the JSON body a cross-site form cannot send).
    static func sameOrigin(_ request: GatewayRequest) throws(ConsoleError) {
        if let site = request.headers[fetchSiteHeader], site != "same-origin", site != "none" {
            throw .forbiddenChange("the console refuses changes sent from another site (Sec-Fetch-Site: \(site))")
        }
        if let origin = request.headers[.origin] {
            let host = request.authority ?? ""
            let withoutScheme = origin.split(separator: "://", maxSplits: 1).last.map(String.init) ?? origin
            guard withoutScheme == host else {
                throw .forbiddenChange("the console refuses changes sent from another origin (\(origin))")
            }
        }
    }

    /// Refuses a change without the session's token.
    static func token(_ request: GatewayRequest, expected: String) throws(ConsoleError) {
        try sameOrigin(request)
        guard let sent = request.headers[tokenHeader], constantTimeEqual(Array(sent.utf8), Array(expected.utf8)) else {
            throw .forbiddenChange("missing or wrong X-CSRF-Token; reload the console")
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
