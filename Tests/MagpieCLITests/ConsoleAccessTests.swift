import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Who may use the console of a real `magpie serve`, and how: admin keys only, sign-in failures
/// limited, the session cookie's attributes, CSRF and origin checks on every change, the
/// security headers, and sessions that end with their admin key. (The pages themselves are
/// driven in Chromium by scripts/console-browser-test.)
@Suite(.serialized) struct ConsoleAccessTests {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    /// A server with a trained model, a plan, an API key and an admin key; wrong keys are
    /// limited to a burst of 3 so the limit shows within a test.
    struct Setup {
        var workspace: Workspace
        var server: ServeProcessTests.Server
        var apiKey: String
        var adminKey: String
        var adminKeyID: String
        var database: String
    }

    static func setUp(extraArguments: [String] = []) async throws -> Setup {
        let workspace = try Workspace()
        try await ServeProcessTests.trainModel(named: "hate-speech", in: workspace, at: "models/hate-speech")
        let database = workspace.path("magpie.sqlite")
        let apiKey = try await ServeProcessTests.createKey(in: database, quota: "1000/day", rate: 100, burst: 100)
        let admin = try await MagpieProcess.run(["keys", "create", "--admin", "--name", "ops", "--database", database])
        #expect(admin.status == 0, "\(admin.standardError)")
        let adminKey = try #require(admin.standardOutput.split(separator: "\n").last.map(String.init))
        let adminKeyID = try #require(admin.standardOutput.firstMatch(of: /adm_[0-9a-f]{12}/).map { String($0.output) })
        let config = try workspace.write("magpie.yaml", "server:\n  failed_keys: {burst: 3, per_minute: 1}\n")
        let server = try ServeProcessTests.Server(
            arguments: ["--config", config, "--models", workspace.path("models"), "--database", database, "--port", "0"]
                + extraArguments)
        return Setup(
            workspace: workspace, server: server, apiKey: apiKey, adminKey: adminKey, adminKeyID: adminKeyID, database: database)
    }

    static func send(
        _ method: String, port: Int, _ path: String, json: [String: Any]? = nil, headers: [String: String] = [:]
    ) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 30)
        request.httpMethod = method
        request.httpShouldHandleCookies = false
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        let fields = Dictionary(
            http.allHeaderFields.map { ("\($0.key)", "\($0.value)") }, uniquingKeysWith: { first, _ in first })
        return Answer(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    /// Signs in; returns the cookie to send and the session's CSRF token.
    static func signIn(_ setup: Setup) async throws -> (cookie: String, csrf: String) {
        let answer = try await send("POST", port: setup.server.port, "/console/api/login", json: ["key": setup.adminKey])
        #expect(answer.status == 200, "\(answer.body)")
        let setCookie = try #require(answer.header("Set-Cookie"))
        let cookie = String(try #require(setCookie.split(separator: ";").first))
        return (cookie, try #require(answer.json["csrf_token"] as? String))
    }

    @Test func onlyAdminKeysSignInAndWrongKeysAreLimited() async throws {
        let setup = try await Self.setUp()
        defer { setup.server.process.terminate() }
        let port = setup.server.port

        let unsigned = try await Self.send("GET", port: port, "/console/api/models")
        #expect(unsigned.status == 401 && unsigned.json["error_type"] as? String == "not_signed_in")
        let page = try await Self.send("GET", port: port, "/console")
        #expect(page.status == 200 && !page.body.contains("hate-speech"), "the page itself holds no data")

        let (cookie, _) = try await Self.signIn(setup)
        #expect(cookie.hasPrefix("magpie_console="))
        let signedIn = try await Self.send("POST", port: port, "/console/api/login", json: ["key": setup.adminKey])
        let attributes = try #require(signedIn.header("Set-Cookie"))
        #expect(attributes.contains("HttpOnly") && attributes.contains("SameSite=Strict") && attributes.contains("Path=/console"))
        #expect(!attributes.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
        let models = try await Self.send("GET", port: port, "/console/api/models", headers: ["Cookie": cookie])
        #expect(models.status == 200 && models.body.contains(#""name":"hate-speech""#))

        // An admin key is no API key, and an API key opens no console.
        let viaAPI = try await Self.send(
            "POST", port: port, "/v1/infer/hate-speech", json: ["text": "hello"], headers: ["x-api-key": setup.adminKey])
        #expect(viaAPI.status == 403)
        let apiKeyLogin = try await Self.send("POST", port: port, "/console/api/login", json: ["key": setup.apiKey])
        #expect(apiKeyLogin.status == 401 && apiKeyLogin.json["error_type"] as? String == "wrong_admin_key")

        // Burst of 3 wrong keys (the API key was the first): then 429, even for the right key.
        for _ in 0..<2 {
            let wrong = try await Self.send("POST", port: port, "/console/api/login", json: ["key": "mgpadm_guess"])
            #expect(wrong.status == 401)
        }
        let limited = try await Self.send("POST", port: port, "/console/api/login", json: ["key": setup.adminKey])
        #expect(limited.status == 429 && limited.header("Retry-After") != nil, "\(limited.body)")
        #expect(limited.json["error_type"] as? String == "too_many_failed_logins")
        #expect(!setup.server.loggedText.contains(setup.adminKey) && !setup.server.loggedText.contains("mgpadm_guess"))
    }

    @Test func everyChangeNeedsTheSessionsTokenFromTheConsolesOrigin() async throws {
        let setup = try await Self.setUp()
        defer { setup.server.process.terminate() }
        let port = setup.server.port
        let (cookie, csrf) = try await Self.signIn(setup)
        let newKey: [String: Any] = ["name": "from-console", "plan": "plan"]

        let withoutToken = try await Self.send("POST", port: port, "/console/api/keys", json: newKey, headers: ["Cookie": cookie])
        #expect(withoutToken.status == 403 && withoutToken.json["error_type"] as? String == "csrf_check_failed")
        let wrongToken = try await Self.send(
            "POST", port: port, "/console/api/keys", json: newKey, headers: ["Cookie": cookie, "X-CSRF-Token": csrf + "0"])
        #expect(wrongToken.status == 403)
        let otherOrigin = try await Self.send(
            "POST", port: port, "/console/api/keys", json: newKey,
            headers: ["Cookie": cookie, "X-CSRF-Token": csrf, "Origin": "https://evil.example"])
        #expect(otherOrigin.status == 403 && otherOrigin.body.contains("another origin"))
        let crossSite = try await Self.send(
            "POST", port: port, "/console/api/keys", json: newKey,
            headers: ["Cookie": cookie, "X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"])
        #expect(crossSite.status == 403)
        let crossSiteLogin = try await Self.send(
            "POST", port: port, "/console/api/login", json: ["key": setup.adminKey], headers: ["Sec-Fetch-Site": "cross-site"])
        #expect(crossSiteLogin.status == 403, "sign-in from another site is refused too")
        let keysBefore = try await Self.send("GET", port: port, "/console/api/keys", headers: ["Cookie": cookie])
        #expect((keysBefore.json["keys"] as? [Any])?.count == 1, "no refused change was made")

        let created = try await Self.send(
            "POST", port: port, "/console/api/keys", json: newKey,
            headers: ["Cookie": cookie, "X-CSRF-Token": csrf, "Origin": "http://127.0.0.1:\(port)"])
        #expect(created.status == 201, "\(created.body)")
        let secret = try #require(created.json["secret"] as? String)
        let keyID = try #require((created.json["key"] as? [String: Any])?["id"] as? String)
        let works = try await Self.send(
            "POST", port: port, "/v1/infer/hate-speech", json: ["text": "hello"], headers: ["x-api-key": secret])
        #expect(works.status == 200)
        let listed = try await Self.send("GET", port: port, "/console/api/keys", headers: ["Cookie": cookie])
        #expect(listed.body.contains(keyID) && !listed.body.contains(secret), "a key is never shown after its creation")

        let revoked = try await Self.send(
            "POST", port: port, "/console/api/keys/\(keyID)/revoke", headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
        #expect(revoked.status == 200)
        let refused = try await Self.send(
            "POST", port: port, "/v1/infer/hate-speech", json: ["text": "hello"], headers: ["x-api-key": secret])
        #expect(refused.status == 403)

        let badTry = try await Self.send(
            "POST", port: port, "/console/api/try", json: ["model": "hate-speech", "texts": []],
            headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
        #expect(badTry.status == 422 || badTry.status == 400, "\(badTry.body)")
        #expect(badTry.json["message"] is String && badTry.json["error_type"] is String)

        let tried = try await Self.send(
            "POST", port: port, "/console/api/try", json: ["model": "hate-speech", "text": "you are a bitch"],
            headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
        #expect(tried.status == 200, "\(tried.body)")
        let explanations = try #require(tried.json["explanations"] as? [[String: Any]])
        let tokens = try #require(explanations.first?["tokens"] as? [[String: Any]])
        #expect(tokens.map { $0["start"] as? Int } == [0, 4, 8, 10])

        let loggedOut = try await Self.send(
            "POST", port: port, "/console/api/logout", headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
        #expect(loggedOut.status == 204 && loggedOut.header("Set-Cookie")?.contains("Max-Age=0") == true)
        let afterwards = try await Self.send("GET", port: port, "/console/api/keys", headers: ["Cookie": cookie])
        #expect(afterwards.status == 401)
    }

    @Test func answersCarryASecurityPolicyWithoutInlineScript() async throws {
        let setup = try await Self.setUp()
        defer { setup.server.process.terminate() }
        let port = setup.server.port
        for path in ["/console", "/console/assets/console.js", "/console/api/models", "/console/nothing"] {
            let answer = try await Self.send("GET", port: port, path)
            let policy = try #require(answer.header("Content-Security-Policy"), "\(path)")
            #expect(
                policy.contains("script-src 'self'") && !policy.contains("unsafe-inline")
                    && policy.contains("frame-ancestors 'none'"))
            #expect(answer.header("X-Content-Type-Options") == "nosniff" && answer.header("X-Frame-Options") == "DENY")
        }
        let missing = try await Self.send("GET", port: port, "/console/nothing")
        #expect(missing.status == 404 && missing.json["error_type"] as? String == "not_found")
        let huge = try await Self.send(
            "POST", port: port, "/console/api/login", json: ["key": String(repeating: "k", count: 70_000)])
        #expect(huge.status == 413 && huge.json["error_type"] as? String == "body_too_large", "\(huge.body)")
        #expect(huge.header("Content-Security-Policy") != nil, "the envelope's refusals carry the console's headers too")
        let wrongMethod = try await Self.send("DELETE", port: port, "/console/api/keys")
        #expect(wrongMethod.status == 405 && wrongMethod.header("Allow") == "GET, POST")
        let script = try await Self.send("GET", port: port, "/console/assets/console.js")
        #expect(script.header("Content-Type")?.hasPrefix("text/javascript") == true && script.body.contains("X-CSRF-Token"))
        // Console requests are counted beside the API's, under their own route.
        let metrics = try await Self.send("GET", port: port, "/metrics")
        #expect(metrics.body.contains(#"magpie_requests_total{route="console",status="413"} 1"#), "\(metrics.body)")
    }

    @Test func revokingAnAdminKeyEndsItsSessions() async throws {
        let setup = try await Self.setUp()
        defer { setup.server.process.terminate() }
        let (cookie, _) = try await Self.signIn(setup)
        let revoked = try await MagpieProcess.run(["keys", "revoke", setup.adminKeyID, "--database", setup.database])
        #expect(revoked.status == 0, "\(revoked.standardError)")
        // Sessions re-check their key every 5 seconds (`SessionTests` checks the interval).
        let ended = try await eventually {
            let answer = try await Self.send("GET", port: setup.server.port, "/console/api/models", headers: ["Cookie": cookie])
            return answer.status == 401
        }
        #expect(ended)
        let again = try await Self.send("POST", port: setup.server.port, "/console/api/login", json: ["key": setup.adminKey])
        #expect(again.status == 401)
    }

    @Test func noConsoleLeavesOnlyTheAPI() async throws {
        let setup = try await Self.setUp(extraArguments: ["--no-console"])
        defer { setup.server.process.terminate() }
        let answer = try await Self.send("GET", port: setup.server.port, "/console")
        #expect(answer.status == 404 && answer.json["error_type"] as? String == "route_not_found")
    }
}
