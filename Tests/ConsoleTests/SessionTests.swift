import Foundation
import Gateway
import HTTPTypes
import Storage
import Testing

@testable import Console

/// Sessions' lifetimes, the cookie's parsing and the change checks, on their own; the
/// server-level behaviour is in `MagpieCLITests/ConsoleAccessTests` and the browser test.
@Suite struct SessionTests {
    static let key = AdminKey(id: "adm_000000000001", name: "ops", createdAt: Date(timeIntervalSince1970: 0))

    @Test func sessionsEndWhenIdleAndAfterTheirLifetime() {
        let sessions = ConsoleSessions(idleLimit: .seconds(60), lifetime: .seconds(300))
        let start = ContinuousClock.now
        let (token, opened) = sessions.open(for: Self.key, now: start)
        #expect(token.count == 64 && opened.csrfToken.count == 64 && token != opened.csrfToken)
        #expect(sessions.session(token, now: start + .seconds(59))?.adminKey == Self.key)
        // Each request restarts the idle clock, but not the lifetime.
        for minute in 1...4 { #expect(sessions.session(token, now: start + .seconds(59 * minute)) != nil) }
        #expect(sessions.session(token, now: start + .seconds(301)) == nil, "past its lifetime")
        let (idle, _) = sessions.open(for: Self.key, now: start)
        #expect(sessions.session(idle, now: start + .seconds(61)) == nil, "idle too long")
        #expect(sessions.session("unknown", now: start) == nil)
    }

    @Test func revokingAKeyClosesEachOfItsSessionsOnly() {
        let sessions = ConsoleSessions()
        let other = AdminKey(id: "adm_000000000002", name: "other", createdAt: Date(timeIntervalSince1970: 0))
        let first = sessions.open(for: Self.key).token
        let second = sessions.open(for: Self.key).token
        let kept = sessions.open(for: other).token
        sessions.closeAll(of: Self.key.id)
        #expect(sessions.session(first) == nil && sessions.session(second) == nil && sessions.session(kept) != nil)
    }

    @Test func atCapacityTheLeastRecentlyUsedSessionGoes() {
        let sessions = ConsoleSessions(capacity: 2)
        let start = ContinuousClock.now
        let oldest = sessions.open(for: Self.key, now: start).token
        let newer = sessions.open(for: Self.key, now: start + .seconds(1)).token
        let newest = sessions.open(for: Self.key, now: start + .seconds(2)).token
        let later = start + .seconds(3)
        #expect(sessions.session(oldest, now: later) == nil)
        #expect(sessions.session(newer, now: later) != nil && sessions.session(newest, now: later) != nil)
    }

    @Test func theCookieIsFoundAmongOthersAndCarriesItsAttributes() {
        let plain = SessionCookie(secure: false)
        let headers: HTTPFields = [.cookie: "theme=dark; magpie_console=abc123; other=1"]
        #expect(plain.token(in: headers) == "abc123")
        #expect(plain.token(in: [.cookie: "magpie_console_x=1; xmagpie_console=2"]) == nil)
        #expect(plain.token(in: [.cookie: "magpie_console="]) == nil)
        #expect(plain.set("t") == "magpie_console=t; Path=/console; HttpOnly; SameSite=Strict")
        let secure = SessionCookie(secure: true)
        #expect(secure.set("t") == "__Host-magpie_console=t; Path=/; HttpOnly; SameSite=Strict; Secure")
        #expect(secure.token(in: headers) == nil, "over TLS only the __Host- cookie counts")
    }

    @Test func changesFromAnotherOriginOrWithoutTheTokenAreRefused() throws {
        func request(_ headers: HTTPFields, authority: String = "127.0.0.1:8080") -> GatewayRequest {
            GatewayRequest(method: .post, path: "/console/api/keys", headers: headers, authority: authority)
        }
        let token = HTTPField.Name("X-CSRF-Token")!
        try ChangeCheck.token(request([token: "t0k"]), expected: "t0k")
        try ChangeCheck.token(request([token: "t0k", .origin: "http://127.0.0.1:8080"]), expected: "t0k")
        try ChangeCheck.token(request([token: "t0k", HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]), expected: "t0k")
        #expect(throws: ConsoleError.self) { try ChangeCheck.token(request([:]), expected: "t0k") }
        #expect(throws: ConsoleError.self) { try ChangeCheck.token(request([token: "t0K"]), expected: "t0k") }
        #expect(throws: ConsoleError.self) { try ChangeCheck.token(request([token: "t0"]), expected: "t0k") }
        #expect(throws: ConsoleError.self) {
            try ChangeCheck.token(request([token: "t0k", .origin: "http://127.0.0.1:8081"]), expected: "t0k")
        }
        #expect(throws: ConsoleError.self) {
            try ChangeCheck.token(request([token: "t0k", HTTPField.Name("Sec-Fetch-Site")!: "same-site"]), expected: "t0k")
        }
        #expect(throws: ConsoleError.self) {
            try ChangeCheck.sameOrigin(request([.origin: "http://127.0.0.1:8080"], authority: "magpie.example"))
        }
    }
}
