import Foundation
import Gateway
import GatewayHost
import MagpieTestSupport
import Testing

/// Clients that are slow or abusive on purpose, against a real server on a loopback port:
/// each attack is cut off by its deadline or limit while a normal client goes on being served,
/// and the server serves as before once the attack stops.
@Suite(.serialized) struct ConnectionGuardTests {
    static let short = ConnectionLimits(
        headTimeout: .seconds(1), bodyGapTimeout: .seconds(1), requestTimeout: .seconds(3), keepAliveTimeout: .seconds(2),
        maxConnections: 10_000, lingerTimeout: .milliseconds(500))
    static let inferHead = "POST /v1/infer/hate-speech HTTP/1.1\r\nHost: magpie\r\nContent-Type: application/json\r\n"

    /// A normal client's keyed requests while an attack holds its connections: all answered 200.
    static func servedThroughout(_ server: LiveServer, requests: Int = 20) async throws {
        let key = try await server.key()
        for _ in 0..<requests {
            let response = try await server.request(
                "POST", "/v1/infer/hate-speech", key: key, json: #"{"text": "have a nice day"}"#)
            #expect(response.status == 200)
        }
    }

    /// Connections that send half a request head and then nothing: a normal client is served
    /// meanwhile, and each gets 408 and is closed after the head timeout. (Thousands of them,
    /// against a server process of its own, in `MagpieCLITests/SlowlorisTests.swift`: here the
    /// server shares this process's event loops with every other test.)
    @Test func halfSentHeadsAreAnswered408AndClosed() async throws {
        let server = try await LiveServer(connectionLimits: Self.short)
        let attackers = try (0..<100).map { _ in
            let attacker = try RawConnection(port: server.port)
            attacker.send(Self.inferHead)
            return attacker
        }
        try await Self.servedThroughout(server)
        var cutOff = 0
        var others: [String: Int] = [:]
        for attacker in attackers {
            let (text, closed) = await attacker.readUntilClosed(timeout: .seconds(10))
            if closed && text.hasPrefix("HTTP/1.1 408") && text.contains(#""error_type":"request_timeout""#) {
                cutOff += 1
            } else {
                others["\(closed) \(text.prefix(20))", default: 0] += 1
            }
        }
        #expect(cutOff == attackers.count, "\(others)")
        try await Self.servedThroughout(server, requests: 5)
    }

    /// A body that stops halfway: 408 after the gap timeout, not a connection held forever.
    @Test func aStalledBodyIsAnswered408() async throws {
        let server = try await LiveServer(connectionLimits: Self.short)
        let slow = try RawConnection(port: server.port)
        slow.send(Self.inferHead + "Content-Length: 40\r\n\r\n{\"text\": \"hel")
        let (text, closed) = await slow.readUntilClosed(timeout: .seconds(10))
        #expect(closed && text.hasPrefix("HTTP/1.1 408"), "\(text)")
    }

    /// A body that trickles a byte at a time, each within the gap, is still cut off at the
    /// whole request's deadline.
    @Test func aTricklingBodyIsCutOffAtTheRequestDeadline() async throws {
        let server = try await LiveServer(connectionLimits: Self.short)
        let slow = try RawConnection(port: server.port)
        slow.send(Self.inferHead + "Content-Length: 1000\r\n\r\n")
        let started = ContinuousClock.now
        var stillOpen = true
        while stillOpen, ContinuousClock.now - started < .seconds(10) {
            stillOpen = slow.send("a")
            try await Task.sleep(for: .milliseconds(300))
        }
        let (text, _) = await slow.readUntilClosed(timeout: .seconds(5))
        #expect(text.hasPrefix("HTTP/1.1 408"), "\(text)")
        #expect(!stillOpen || ContinuousClock.now - started < .seconds(10))
    }

    /// `Content-Length` over the limit: 413 at once, though no byte of the body was sent, and
    /// the connection closes after the linger.
    @Test func aDeclaredLargeBodyGets413BeforeItIsSent() async throws {
        let server = try await LiveServer(connectionLimits: Self.short)
        let client = try RawConnection(port: server.port)
        client.send(Self.inferHead + "Content-Length: 10485760\r\n\r\n")
        let (text, closed) = await client.readUntilClosed(timeout: .seconds(10))
        #expect(closed)
        #expect(text.hasPrefix("HTTP/1.1 413"), "\(text)")
        #expect(text.lowercased().contains("connection: close"))
        #expect(text.contains(#""error_type":"body_too_large""#))
    }

    /// A chunked body over the limit is cut off there: 413, and the connection closes instead
    /// of reading the rest.
    @Test func aChunkedBodyIsCutOffAtTheLimit() async throws {
        let server = try await LiveServer(connectionLimits: Self.short)
        let key = try await server.key()
        let client = try RawConnection(port: server.port)
        client.send(Self.inferHead + "x-api-key: \(key)\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = "1000\r\n" + String(repeating: "a", count: 4096) + "\r\n"
        var sent = 0
        while sent < 200, client.send(chunk) { sent += 1 }
        let (text, closed) = await client.readUntilClosed(timeout: .seconds(10))
        #expect(closed)
        #expect(text.hasPrefix("HTTP/1.1 413"), "\(text.prefix(200))")
    }

    /// At the connection limit, the longest-idle connection makes room for a new one; when
    /// none is idle, the new one gets 503 with `Retry-After` and is closed.
    @Test func overTheLimitIdleConnectionsGoFirstThen503() async throws {
        var limits = Self.short
        limits.maxConnections = 20
        limits.headTimeout = .seconds(30)
        let server = try await LiveServer(connectionLimits: limits)
        var idle: [RawConnection] = []
        for _ in 0..<20 {
            idle.append(try RawConnection(port: server.port))
            try await Task.sleep(for: .milliseconds(20))
        }
        let newcomer = try RawConnection(port: server.port)
        newcomer.send("GET /health HTTP/1.1\r\nHost: magpie\r\nConnection: close\r\n\r\n")
        #expect(await newcomer.readUntilClosed(timeout: .seconds(10)).text.hasPrefix("HTTP/1.1 200"))
        #expect(await idle[0].readUntilClosed(timeout: .seconds(5)).closed, "the longest-idle connection was closed")

        let busy = try (0..<20).map { _ in try RawConnection(port: server.port) }
        for connection in busy { connection.send("GET /health HTTP/1.1\r\n") }
        try await Task.sleep(for: .milliseconds(300))
        let refused = try RawConnection(port: server.port)
        let (text, closed) = await refused.readUntilClosed(timeout: .seconds(10))
        #expect(closed && text.hasPrefix("HTTP/1.1 503"), "\(text)")
        #expect(text.contains("Retry-After: 1") && text.contains(#""error_type":"too_many_connections""#))
        _ = idle
    }

    /// Wrong keys from one address: `forbidden` up to the burst, then 429 with `Retry-After`
    /// even for the right key, which is not looked up until the address has waited.
    @Test func wrongKeysFromOneAddressGet429() async throws {
        let server = try await LiveServer(limits: GatewayLimits(failedKeyBurst: 5, failedKeysPerMinute: 1))
        let key = try await server.key()
        for attempt in 0..<5 {
            let response = try await server.request(
                "POST", "/v1/infer/hate-speech", key: "mgp_wrong\(attempt)", json: #"{"text": "a"}"#)
            #expect(response.status == 403)
        }
        let blocked = try await server.request("POST", "/v1/infer/hate-speech", key: "mgp_wrong", json: #"{"text": "a"}"#)
        #expect(blocked.status == 429)
        #expect((blocked.json as? [String: Any])?["error_type"] as? String == "too_many_failed_keys")
        #expect(Int(blocked.header("Retry-After") ?? "") ?? 0 >= 1)
        let rightKey = try await server.request("POST", "/v1/infer/hate-speech", key: key, json: #"{"text": "a"}"#)
        #expect(rightKey.status == 429)
    }
}
