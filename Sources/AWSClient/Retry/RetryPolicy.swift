import Synchronization

/// AWS's standard retry mode: throttling and transient failures are retried up to
/// `maxAttempts` in all, after a capped exponential backoff with full jitter, while a shared
/// retry quota lasts. The quota drains when a dependency keeps failing, so a struggling
/// service is not hit by every caller's retries at once, and refills as calls succeed.
public final class RetryPolicy: Sendable {
    public let maxAttempts: Int
    /// The first retry waits up to this long, each later one up to twice the one before.
    public let baseDelay: Duration
    public let maxBackoff: Duration
    /// Error codes retried beyond the standard ones, e.g. SageMaker's `ModelNotReadyException`.
    public let extraRetryableCodes: Set<String>

    static let quotaCapacity = 500
    static let retryCost = 5
    static let timeoutRetryCost = 10
    private let quota = Mutex(RetryPolicy.quotaCapacity)

    /// The SDKs' throttling codes.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "InternalError"]
    static let transientStatuses: Set<Int> = [500, 502, 503, 504]

    public init(
        maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxBackoff: Duration = .seconds(20),
        extraRetryableCodes: Set<String> = []
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.extraRetryableCodes = extraRetryableCodes
    }

    /// Whether `error` is worth another attempt: a refused, reset or cut connection, a
    /// throttling or transient code, or a 5xx or 429 status.
    ///
    /// A request that is not idempotent (a conditional counter increment) is retried only
    /// after a throttling code, which says the service refused it before running it: after a
    /// cut connection or a 5xx it may have run, and a retry could count it twice.
    public func isRetryable(_ error: AWSClientError, idempotent: Bool = true) -> Bool {
        if !idempotent {
            guard case .service(let answer) = error else { return false }
            return Self.throttlingCodes.contains(answer.code)
        }
        switch error {
        case .connection: return true
        case .service(let answer):
            return Self.throttlingCodes.contains(answer.code) || Self.transientCodes.contains(answer.code)
                || extraRetryableCodes.contains(answer.code) || Self.transientStatuses.contains(answer.statusCode)
                || answer.statusCode == 429
        case .credentials, .configuration, .timeout, .invalidResponse: return false
        }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): up to
    /// `baseDelay · 2^(attempt-1)`, at most `maxBackoff`.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let ceiling = min(baseDelay * (1 << min(attempt - 1, 30)), maxBackoff)
        return ceiling * Double.random(in: 0...1)
    }

    /// What happened on the way, for metrics and logs.
    public enum Event: Sendable {
        case retrying(after: AWSClientError, attempt: Int, delay: Duration)
    }

    /// Runs `operation` until it succeeds, fails for good, runs out of attempts or quota, or
    /// another attempt could not start before `deadline`. Returns the result and the number
    /// of attempts made.
    public func run<Result: Sendable>(
        until deadline: ContinuousClock.Instant, idempotent: Bool = true, observe: (Event) -> Void = { _ in },
        _ operation: (_ attempt: Int) async throws(AWSClientError) -> Result
    ) async throws(AWSClientError) -> (result: Result, attempts: Int) {
        var attempt = 1
        var spent = 0
        while true {
            do {
                let result = try await operation(attempt)
                refund(spent == 0 ? 1 : spent)
                return (result, attempt)
            } catch {
                guard isRetryable(error, idempotent: idempotent), attempt < maxAttempts, !Task.isCancelled else { throw error }
                let cost = error == .timeout ? Self.timeoutRetryCost : Self.retryCost
                guard take(cost) else { throw error }
                spent += cost
                let delay = backoff(afterAttempt: attempt)
                guard ContinuousClock.now.advanced(by: delay) < deadline else { throw error }
                observe(.retrying(after: error, attempt: attempt, delay: delay))
                do { try await Task.sleep(for: delay) } catch { throw .connection("cancelled") }
                attempt += 1
            }
        }
    }

    /// Tokens left in the retry quota.
    public var quotaRemaining: Int { quota.withLock { $0 } }

    private func take(_ cost: Int) -> Bool {
        quota.withLock { tokens in
            guard tokens >= cost else { return false }
            tokens -= cost
            return true
        }
    }

    private func refund(_ amount: Int) {
        quota.withLock { $0 = min(Self.quotaCapacity, $0 + amount) }
    }
}
