import AWSClient
import Foundation
import HTTPTypes
import Hummingbird
import MagpieTestSupport
import NIOCore
import Synchronization
import Testing

struct ErrorsAndRetriesTests {
    @Test func errorCodeFromHeaderOrBody() {
        let header = AWSServiceError(
            statusCode: 400, headers: [("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/")],
            body: Array(#"{"message": "bad input"}"#.utf8))
        #expect(header.code == "ValidationException")
        #expect(header.message == "bad input")
        let type = AWSServiceError(
            statusCode: 400, headers: [("x-amzn-RequestId", "req-1")],
            body: Array(#"{"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "Message": "gone"}"#.utf8))
        #expect(type.code == "ResourceNotFoundException")
        #expect(type.message == "gone")
        #expect(type.requestID == "req-1")
        let modelError = AWSServiceError(
            statusCode: 424, headers: [],
            body: Array(
                #"{"code": "ModelError", "message": "Received client error (400)", "OriginalStatusCode": 400, "OriginalMessage": "bad tokens"}"#
                    .utf8))
        #expect(modelError.code == "ModelError")
        #expect(modelError.details["OriginalMessage"] == "bad tokens")
        #expect(modelError.details["OriginalStatusCode"] == "400")
        let xml = AWSServiceError(
            statusCode: 403, headers: [], body: Array("<Error><Code>AccessDenied</Code><Message>no</Message></Error>".utf8))
        #expect(xml.code == "AccessDenied")
        #expect(xml.message == "no")
        let bare = AWSServiceError(statusCode: 503, headers: [], body: [])
        #expect(bare.code == "")
        #expect(bare.description.contains("HTTP 503"))
    }

    @Test func classification() {
        let policy = RetryPolicy(extraRetryableCodes: ["ModelNotReadyException"])
        func service(_ status: Int, _ code: String) -> AWSClientError {
            .service(AWSServiceError(statusCode: status, code: code, message: ""))
        }
        #expect(policy.isRetryable(service(400, "ThrottlingException")))
        #expect(policy.isRetryable(service(429, "ModelNotReadyException")))
        #expect(policy.isRetryable(service(503, "")))
        #expect(policy.isRetryable(.connection("refused")))
        #expect(!policy.isRetryable(service(424, "ModelError")))
        #expect(!policy.isRetryable(service(400, "ValidationException")))
        #expect(!policy.isRetryable(.timeout))
        #expect(!RetryPolicy().isRetryable(service(400, "ModelNotReadyException")))
        // A counter increment may have run when the connection broke or the service failed:
        // only a throttling refusal, which says it did not, is retried.
        #expect(policy.isRetryable(service(400, "ProvisionedThroughputExceededException"), idempotent: false))
        #expect(!policy.isRetryable(.connection("reset"), idempotent: false))
        #expect(!policy.isRetryable(service(500, "InternalServerError"), idempotent: false))
        for attempt in 1...8 {
            #expect(policy.backoff(afterAttempt: attempt) <= min(.seconds(1 << (attempt - 1)), .seconds(20)))
        }
    }

    /// Throttled twice, then answered: three attempts, backoff in between, quota refunded.
    @Test func retriesThrottlingUntilSuccess() async throws {
        let calls = Mutex(0)
        let router = Router()
        router.post("/endpoints/{name}/invocations") { _, _ -> Response in
            let call = calls.withLock { value in
                value += 1
                return value
            }
            if call < 3 {
                return Response(
                    status: .badRequest, headers: [HTTPField.Name("x-amzn-ErrorType")!: "ThrottlingException"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"message": "Rate exceeded"}"#)))
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "[]")))
        }
        let (port, task) = await LoopbackServer.start(router)
        defer { task.cancel() }
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(20))
        let client = try AWSClient(
            service: .sageMakerRuntime, region: "us-east-1",
            environment: Self.environment(endpoint: "http://127.0.0.1:\(port)"), retryPolicy: policy)
        let retries = Mutex(0)
        let response = try await SageMakerRuntime(client: client).invokeEndpoint(
            "m", body: Array("{}".utf8), deadline: .now + .seconds(60)
        ) { _ in retries.withLock { $0 += 1 } }
        #expect(response.attempts == 3)
        #expect(retries.withLock { $0 } == 2)
        #expect(policy.quotaRemaining == 500)
    }

    /// A refused connection is retried; when attempts run out the caller sees it as such.
    @Test func refusedConnectionRetriedThenReported() async throws {
        let closedPort = LoopbackPort.closed()
        let policy = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10))
        let client = try AWSClient(
            service: .sageMakerRuntime, region: "us-east-1",
            environment: Self.environment(endpoint: "http://127.0.0.1:\(closedPort)"),
            retryPolicy: policy)
        let retries = Mutex(0)
        let error = await #expect(throws: AWSClientError.self) {
            try await SageMakerRuntime(client: client).invokeEndpoint("m", body: [], deadline: .now + .seconds(60)) { _ in
                retries.withLock { $0 += 1 }
            }
        }
        guard case .connection? = error else {
            Issue.record("expected a connection error, got \(String(describing: error))")
            return
        }
        #expect(retries.withLock { $0 } == 1)
        #expect(policy.quotaRemaining == 495)
    }

    /// A failing dependency drains the quota, after which failures are not retried at all.
    @Test func quotaStopsRetryStorms() async throws {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .nanoseconds(1))
        let failure = AWSClientError.service(AWSServiceError(statusCode: 503, code: "", message: ""))
        var attemptsMade: [Int] = []
        for _ in 0..<60 {
            let attempts = Mutex(0)
            _ = try? await policy.run(until: .now + .seconds(600)) { _ throws(AWSClientError) -> Int in
                attempts.withLock { $0 += 1 }
                throw failure
            }
            attemptsMade.append(attempts.withLock { $0 })
        }
        #expect(attemptsMade.first == 3)
        #expect(attemptsMade.last == 1)
        #expect(policy.quotaRemaining < 5)
    }

    @Test func noRetryThatWouldPassTheDeadline() async throws {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .seconds(10))
        let attempts = Mutex(0)
        var delays: [Duration] = []
        // What the policy chose to wait, not the wall clock: a busy test machine can delay the
        // task itself by seconds, and that says nothing of the policy.
        let record: (RetryPolicy.Event) -> Void = { event in
            if case .retrying(_, _, let delay) = event { delays.append(delay) }
        }
        _ = try? await policy.run(until: .now + .milliseconds(200), observe: record) { _ throws(AWSClientError) -> Int in
            attempts.withLock { $0 += 1 }
            throw .connection("reset")
        }
        #expect(delays.allSatisfy { $0 < .milliseconds(200) }, "\(delays)")
        #expect(attempts.withLock { $0 } <= 2)
    }

    /// "Not ready" is retried past `maxAttempts` until the deadline less the margin: no attempt
    /// starts later than half the margin before the deadline (a last sleep clamped to the
    /// margin may overrun it a little), and the last failure comes after the margin.
    @Test func patientFailuresAreRetriedUntilTheDeadlineLessTheMargin() async throws {
        let notReady = AWSClientError.service(AWSServiceError(statusCode: 429, code: "ModelNotReadyException", message: ""))
        let policy = RetryPolicy(
            maxAttempts: 3, baseDelay: .milliseconds(50), maxBackoff: .milliseconds(200),
            extraRetryableCodes: ["ModelNotReadyException"], answerMargin: .milliseconds(500),
            isPatient: RetryPolicy.patient(codes: ["ModelNotReadyException"]))
        let clock = ContinuousClock()
        let start = clock.now
        let starts = Mutex<[Duration]>([])
        let error = await #expect(throws: AWSClientError.self) {
            try await policy.run(until: start + .milliseconds(2_500)) { _ throws(AWSClientError) -> Int in
                starts.withLock { $0.append(start.duration(to: clock.now)) }
                throw notReady
            }
        }
        #expect(error == notReady)
        // How many attempts fit depends on how busy the machine is; the count past
        // `maxAttempts` is checked below, where it does not.
        let attempts = starts.withLock { $0 }
        #expect(attempts.allSatisfy { $0 <= .milliseconds(2_250) }, "\(attempts)")
        #expect(start.duration(to: clock.now) >= .milliseconds(2_000))

        let warmAfter = Mutex(8)
        let quick = RetryPolicy(
            maxAttempts: 3, baseDelay: .milliseconds(5), maxBackoff: .milliseconds(10),
            extraRetryableCodes: ["ModelNotReadyException"],
            isPatient: RetryPolicy.patient(codes: ["ModelNotReadyException"]))
        // A far deadline: on a loaded machine the test's own sleeps can take seconds.
        let (value, made) = try await quick.run(until: .now + .seconds(600)) { _ throws(AWSClientError) -> Int in
            let left = warmAfter.withLock { left in
                left -= 1
                return left
            }
            if left >= 0 { throw notReady }
            return 42
        }
        #expect(value == 42)
        #expect(made == 9)

        let reset = Mutex(0)
        _ = try? await quick.run(until: .now + .seconds(600)) { _ throws(AWSClientError) -> Int in
            reset.withLock { $0 += 1 }
            throw .connection("reset")
        }
        #expect(reset.withLock { $0 } == 3)
    }

    static func environment(endpoint: String) -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL": endpoint,
            "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }
}
