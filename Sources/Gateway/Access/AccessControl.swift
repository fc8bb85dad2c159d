import Clocks
import Foundation
import HTTPTypes
import Logging
import Storage

/// API keys, throttling and quotas, in API Gateway's order: an unknown key is refused before
/// anything is counted, a throttled request does not use quota, and a counted request is on
/// disk before the model runs.
///
/// When the store cannot be reached, requests that need it get 503 with `Retry-After` (fail
/// closed). With `failOpen`, a key already known to this process (in the credential cache) is
/// admitted without a quota check and its count is written once the store answers again
/// (`PendingUsage`); an unknown key is still refused, since nothing vouches for it.
struct AccessControl: Sendable {
    static let apiKeyHeader = HTTPField.Name("x-api-key")!
    /// What a client is told to wait while the store is unavailable.
    static let storeRetryAfterSeconds = 1

    let store: any KeyStore
    let failOpen: Bool
    let failedKeys: FailedKeyLimiter
    let logger: Logger
    /// Says why the store is unavailable, at most every few seconds however many requests fail.
    let outageWarnings = ThrottledWarning(every: .seconds(5))
    let buckets: TokenBuckets
    let credentials: CredentialCache
    let pending = PendingUsage()

    init(store: any KeyStore, failOpen: Bool, limits: GatewayLimits, logger: Logger, clock: AnyClock<Duration>) {
        self.store = store
        self.failOpen = failOpen
        self.failedKeys = FailedKeyLimiter(burst: limits.failedKeyBurst, perMinute: limits.failedKeysPerMinute, clock: clock)
        self.logger = logger
        self.buckets = TokenBuckets(clock: clock)
        self.credentials = CredentialCache(clock: clock)
    }

    /// The active key the request carries, or `forbidden`: a read, nothing is counted yet. A
    /// client address with too many wrong keys behind it is refused before the lookup.
    func authenticate(_ headers: HTTPFields, from client: String?) async throws(GatewayError) -> Credential {
        guard let secret = headers[Self.apiKeyHeader], !secret.isEmpty else { throw .forbidden }
        if let client, let wait = failedKeys.wait(for: client) { throw .tooManyFailedKeys(retryAfterSeconds: wait) }
        do {
            return try await lookUp(secret)
        } catch .forbidden {
            if let client { failedKeys.recordFailure(from: client) }
            throw .forbidden
        }
    }

    private func lookUp(_ secret: String) async throws(GatewayError) -> Credential {
        if let cached = credentials.credential(forSecret: secret) { return cached }
        let found: Credential?
        do {
            found = try await store.authenticate(secret: secret)
        } catch .unavailable where failOpen {
            guard let stale = credentials.staleCredential(forSecret: secret) else {
                throw .storeUnavailable(retryAfterSeconds: Self.storeRetryAfterSeconds)
            }
            return stale
        } catch {
            throw gatewayError(error)
        }
        guard let found else { throw .forbidden }
        credentials.store(found, forSecret: secret)
        return found
    }

    /// Takes a token from the key's bucket, then counts the request against its quota; returns
    /// the `RateLimit-Policy` and `RateLimit` headers for the response.
    func admit(_ credential: Credential, at now: Date = Date()) async throws(GatewayError) -> HTTPFields {
        let plan = credential.plan
        if let wait = buckets.take(credential.key.id, perSecond: plan.rate, burst: plan.burst) {
            throw .throttled(retryAfterSeconds: wait)
        }
        let decision: QuotaDecision
        do {
            decision = try await store.consume(keyID: credential.key.id, quota: plan.quota, at: now)
        } catch .unavailable where failOpen {
            pending.record(PendingUsage.Entry(keyID: credential.key.id, quota: plan.quota, at: now))
            return Self.rateLimitHeaders(plan: plan, quota: nil, now: now)
        } catch {
            throw gatewayError(error)
        }
        if pending.count > 0 {
            let (pending, store) = (pending, store)
            Task { await pending.flush(to: store) }
        }
        switch decision {
        case .revoked:
            throw .forbidden
        case .exceeded(let quota):
            throw .quotaExceeded(retryAfterSeconds: Self.seconds(from: now, to: quota.resetsAt))
        case .counted(let quota):
            return Self.rateLimitHeaders(plan: plan, quota: quota, now: now)
        }
    }

    /// IETF `RateLimit-Policy` and `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers):
    /// the quota policy with its window, and the burst policy of the token bucket.
    static func rateLimitHeaders(plan: UsagePlan, quota: QuotaState?, now: Date) -> HTTPFields {
        let burstPolicy = "\"burst\";q=\(plan.burst);w=1"
        var headers = HTTPFields()
        if let quota, let configured = plan.quota {
            let window = configured.window(containing: now)
            headers[rateLimitPolicyHeader] =
                "\"quota\";q=\(quota.limit);w=\(seconds(from: window.start, to: window.end)), " + burstPolicy
            headers[rateLimitHeader] = "\"quota\";r=\(quota.remaining);t=\(seconds(from: now, to: quota.resetsAt))"
        } else {
            headers[rateLimitPolicyHeader] = burstPolicy
        }
        return headers
    }

    func gatewayError(_ error: StorageError) -> GatewayError {
        if case .unavailable = error {
            outageWarnings.warn(logger, "key store unavailable; answering 503", metadata: ["error": "\(error)"])
            return .storeUnavailable(retryAfterSeconds: Self.storeRetryAfterSeconds)
        }
        logger.error("key store failed", metadata: ["error": "\(error)"])
        return .internalError
    }

    static let rateLimitPolicyHeader = HTTPField.Name("RateLimit-Policy")!
    static let rateLimitHeader = HTTPField.Name("RateLimit")!

    static func seconds(from start: Date, to end: Date) -> Int {
        max(1, Int(end.timeIntervalSince(start).rounded(.up)))
    }
}
