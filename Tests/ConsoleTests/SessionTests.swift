import Clocks
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

    @Test func sessionsEndWhenIdleAndAfterTheirLifetime() async {
        let clock = TestClock()
        let sessions = ConsoleSessions(idleLimit: .seconds(60), lifetime: .seconds(300), clock: AnyClock(clock))
        let (token, opened) = sessions.open(for: Self.key)
        let (idle, _) = sessions.open(for: Self.key)
        #expect(token.count == 64 && opened.csrfToken.count == 64 && token != opened.csrfToken)
        await clock.advance(by: .seconds(59))
        #expect(sessions.session(token)?.adminKey == Self.key)
        await clock.advance(by: .seconds(2))
        #expect(sessions.session(idle) == nil, "idle too long")
        #expect(sessions.session(token) != nil)
        // Each request restarts the idle clock, but not the lifetime.
        for _ in 1...4 {
            await clock.advance(by: .seconds(59))
            #expect(sessions.session(token) != nil)
        }
        await clock.advance(by: .seconds(4))
        #expect(sessions.session(token) == nil, "past its lifetime")
        #expect(sessions.session("unknown") == nil)
    }

    /// The key behind a session is checked against the store again once `revocationCheck`
    /// has passed since the last check, not on every request.
    @Test func theKeyIsRecheckedOncePerInterval() async throws {
        let clock = TestClock()
        let sessions = ConsoleSessions(revocationCheck: .seconds(5), clock: AnyClock(clock))
        let (token, _) = sessions.open(for: Self.key)
        await clock.advance(by: .seconds(4))
        #expect(!sessions.needsRevocationCheck(try #require(sessions.session(token))))
        await clock.advance(by: .seconds(1))
        #expect(sessions.needsRevocationCheck(try #require(sessions.session(token))))
        sessions.markChecked(token)
        #expect(!sessions.needsRevocationCheck(try #require(sessions.session(token))))
    }

    @Test func revokingAKeyClosesEachOfItsSessionsOnly() {
        let sessions = ConsoleSessions(clock: AnyClock(TestClock()))
        let other = AdminKey(id: "adm_000000000002", name: "other", createdAt: Date(timeIntervalSince1970: 0))
        let first = sessions.open(for: Self.key).token
        let second = sessions.open(for: Self.key).token
        let kept = sessions.open(for: other).token
        sessions.closeAll(of: Self.key.id)
        #expect(sessions.session(first) == nil && sessions.session(second) == nil && sessions.session(kept) != nil)
    }

    @Test func atCapacityTheLeastRecentlyUsedSessionGoes() async {
        let clock = TestClock()
        let sessions = ConsoleSessions(capacity: 2, clock: AnyClock(clock))
        let oldest = sessions.open(for: Self.key).token
        await clock.advance(by: .seconds(1))
        let newer = sessions.open(for: Self.key).token
        await clock.advance(by: .seconds(1))
        let newest = sessions.open(for: Self.key).token
        await clock.advance(by: .seconds(1))
        #expect(sessions.session(oldest) == nil)
        #expect(sessions.session(newer) != nil && sessions.session(newest) != nil)
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
