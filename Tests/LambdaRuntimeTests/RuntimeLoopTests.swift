import Foundation
import LambdaRuntime
import Logging
import MagpieTestSupport
import Synchronization
import Testing

/// The runtime loop against a local Runtime API: what it posts for each kind of invocation.
@Suite struct RuntimeLoopTests {
    static let logger = Logger(label: "test") { label in SwiftLogNoOpLogHandler(label) }

    /// Answers with the event reversed and the trace id it saw in the environment; throws for
    /// events that ask it to; counts its calls.
    final class ProbeHandler: LambdaHandler {
        let calls = Atomic<Int>(0)

        func handle(_ invocation: Invocation) async throws -> [UInt8] {
            calls.add(1, ordering: .relaxed)
            let text = String(decoding: invocation.event, as: UTF8.self)
            if text == "fail" { throw FunctionError(type: "Probe.Failed", message: "asked to fail") }
            if text == "crash" { throw CocoaError(.fileNoSuchFile) }
            let trace = ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"] ?? "none"
            return Array("\(String(text.reversed())) \(trace) \(invocation.invokedFunctionARN)".utf8)
        }
    }

    /// Runs the loop with `handler` until the test ends.
    func withRuntime(
        _ server: RuntimeAPIServer, handler: some LambdaHandler,
        _ body: () async throws -> Void
    ) async throws {
        let runtime = Task {
            try await LambdaRuntime.run(endpoint: server.endpoint, logger: Self.logger) { handler }
        }
        defer { runtime.cancel() }
        try await body()
    }

    @Test func postsEachResponseForItsRequestWithTheTraceIDExported() async throws {
        let server = try await RuntimeAPIServer()
        let handler = ProbeHandler()
        server.enqueue(Array("abc".utf8), requestID: "r-1", traceID: "Root=1-1")
        server.enqueue(Array("xyz".utf8), requestID: "r-2", traceID: "Root=1-2")
        try await withRuntime(server, handler: handler) {
            let posted = await server.posted(2)
            #expect(
                posted == [
                    .response(requestID: "r-1", body: "cba Root=1-1 arn:aws:lambda:us-east-1:123456789012:function:magpie"),
                    .response(requestID: "r-2", body: "zyx Root=1-2 arn:aws:lambda:us-east-1:123456789012:function:magpie"),
                ])
        }
    }

    @Test func reportsAHandlerErrorAndGoesOnToTheNextEvent() async throws {
        let server = try await RuntimeAPIServer()
        let handler = ProbeHandler()
        server.enqueue(Array("fail".utf8), requestID: "r-1")
        server.enqueue(Array("crash".utf8), requestID: "r-2")
        server.enqueue(Array("ok".utf8), requestID: "r-3")
        try await withRuntime(server, handler: handler) {
            let posted = await server.posted(3)
            try #require(posted.count == 3)
            guard case .error("r-1", "Probe.Failed", _) = posted[0], case .error("r-2", "Runtime.HandlerError", _) = posted[1],
                case .response("r-3", _) = posted[2]
            else {
                Issue.record("unexpected posts: \(posted)")
                return
            }
            #expect(posted[0].errorDocument?["errorMessage"] as? String == "asked to fail")
            #expect(posted[0].errorDocument?["errorType"] as? String == "Probe.Failed")
            #expect((posted[0].errorDocument?["stackTrace"] as? [Any])?.isEmpty == true)
            #expect((posted[1].errorDocument?["errorMessage"] as? String)?.isEmpty == false)
        }
    }

    @Test func reportsAnInitializationErrorAndStops() async throws {
        let server = try await RuntimeAPIServer()
        struct MissingModels: Error, CustomStringConvertible {
            var description: String { "no model artifacts under /var/task/models" }
        }
        await #expect(throws: MissingModels.self) {
            try await LambdaRuntime.run(endpoint: server.endpoint, logger: Self.logger) { throw MissingModels() }
        }
        let posted = await server.posted(1)
        #expect(posted == [.initializationError(type: "Runtime.InitError", body: posted.first?.body ?? "")])
        #expect(posted.first?.errorDocument?["errorMessage"] as? String == "no model artifacts under /var/task/models")
    }

    @Test func answersAnExpiredInvocationWithAnErrorWithoutCallingTheHandler() async throws {
        let server = try await RuntimeAPIServer()
        let handler = ProbeHandler()
        let past = Int64(Date().timeIntervalSince1970 * 1000) - 1_000
        server.enqueue(Array("late".utf8), requestID: "r-1", deadlineMilliseconds: past)
        server.enqueue(Array("on time".utf8), requestID: "r-2")
        try await withRuntime(server, handler: handler) {
            let posted = await server.posted(2)
            try #require(posted.count == 2)
            guard case .error("r-1", "Runtime.DeadlineExceeded", _) = posted[0], case .response("r-2", _) = posted[1] else {
                Issue.record("unexpected posts: \(posted)")
                return
            }
            #expect(handler.calls.load(ordering: .relaxed) == 1)
        }
    }

    @Test func rejectsAnEndpointThatIsNotHostAndPort() async throws {
        await #expect(throws: RuntimeAPIError.invalidEndpoint("localhost")) {
            try await LambdaRuntime.run(endpoint: "localhost", logger: Self.logger) { ProbeHandler() }
        }
    }
}
