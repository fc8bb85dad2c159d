import Synchronization

/// AWS's standard retry mode: throttling and transient failures are retried up to
/// `maxAttempts` in all, after a capped exponential backoff with full jitter, while a shared
/// retry quota lasts. The quota drains when a dependency keeps failing, so a struggling
/// service is not hit by every caller's retries at once, and refills as calls succeed.
///
/// Answers that say "not yet" rather than "failed" (a cold serverless endpoint, throttling)
/// can be made patient: they are retried until the call's deadline, less `answerMargin`,
/// however many attempts that takes, since a cold start lasts longer than three attempts'
/// backoff and the caller allowed the whole timeout.
public final class RetryPolicy: Sendable {
    public let maxAttempts: Int
    /// The first retry waits up to this long, each later one up to twice the one before.
    public let baseDelay: Duration
    public let maxBackoff: Duration
    /// Error codes retried beyond the standard ones, e.g. SageMaker's `ModelNotReadyException`.
    public let extraRetryableCodes: Set<String>
    /// Which retryable failures are retried until the deadline instead of `maxAttempts` times.
    public let isPatient: @Sendable (AWSClientError) -> Bool
    /// The time kept free at the end for the last attempt's answer: no patient retry starts
    /// later than this before the deadline.
    public let answerMargin: Duration

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
        extraRetryableCodes: Set<String> = [], answerMargin: Duration = .milliseconds(500),
        isPatient: @escaping @Sendable (AWSClientError) -> Bool = { _ in false }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.extraRetryableCodes = extraRetryableCodes
        self.answerMargin = answerMargin
        self.isPatient = isPatient
    }

    /// Patience for an AWS endpoint that may be starting: `codes` (for SageMaker,
    /// `ModelNotReadyException`) and every throttling code.
    public static func patient(codes: Set<String>) -> @Sendable (AWSClientError) -> Bool {
        { error in
            guard case .service(let answer) = error else { return false }
            return codes.contains(answer.code) || throttlingCodes.contains(answer.code)
        }
    }

    /// Patience for a plain HTTP server: throttling (429). A 503 says nothing about when it
    /// will pass (a starting server, or one shedding load), so it keeps `maxAttempts`.
    public static let patientWhenThrottled: @Sendable (AWSClientError) -> Bool = { error in
        guard case .service(let answer) = error else { return false }
        return answer.statusCode == 429
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

    /// Runs `operation` until it succeeds, fails for good, runs out of attempts (patient
    /// failures: of time) or quota, or another attempt could not start before `deadline`.
    /// Returns the result and the number of attempts made.
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
                let patient = isRetryable(error, idempotent: idempotent) && isPatient(error)
                guard isRetryable(error, idempotent: idempotent), patient || attempt < maxAttempts, !Task.isCancelled else {
                    throw error
                }
                var delay = backoff(afterAttempt: attempt)
                if patient {
                    // The last attempt starts no later than the margin before the deadline.
                    let left = ContinuousClock.now.duration(to: deadline) - answerMargin
                    guard left > .zero else { throw error }
                    delay = min(delay, left)
                } else {
                    guard ContinuousClock.now.advanced(by: delay) < deadline else { throw error }
                }
                let cost = error == .timeout ? Self.timeoutRetryCost : Self.retryCost
                guard take(cost) else { throw error }
                spent += cost
                observe(.retrying(after: error, attempt: attempt, delay: delay))
                do { try await Task.sleep(for: delay) } catch { throw .connection("cancelled") }
                // A sleep that overslept by much (a busy machine) must not start an attempt too
                // late to be answered; one that ends at the margin, as the last one does, goes on.
                if patient, ContinuousClock.now.duration(to: deadline) < answerMargin / 2 { throw error }
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
