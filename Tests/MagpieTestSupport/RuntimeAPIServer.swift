import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A local Lambda Runtime API (2018-06-01) on a loopback port, implementing the documented
/// endpoints: it hands out queued events from `invocation/next` (waiting while there are
/// none, as Lambda does) and records every response, error and initialization error posted.
public final class RuntimeAPIServer: Sendable {
    struct Event: Sendable {
        var requestID: String
        var deadlineMilliseconds: Int64
        var traceID: String
        var body: [UInt8]
    }

    public enum Posted: Sendable, Equatable {
        case response(requestID: String, body: String)
        case error(requestID: String, type: String?, body: String)
        case initializationError(type: String?, body: String)

        /// The posted error document, parsed.
        public var errorDocument: [String: Any]? {
            switch self {
            case .response: nil
            case .error(_, _, let body), .initializationError(_, let body):
                try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            }
        }

        /// What was posted: the response or the error document.
        public var body: String {
            switch self {
            case .response(_, let body), .error(_, _, let body), .initializationError(_, let body): body
            }
        }
    }

    public let port: Int
    private let mailbox = Mailbox()
    private let task: Task<Void, any Error>

    public var endpoint: String { "127.0.0.1:\(port)" }

    public init() async throws {
        let router = Router()
        let prefix = "/2018-06-01/runtime"
        let mailbox = mailbox
        let errorType = HTTPField.Name("Lambda-Runtime-Function-Error-Type")!
        router.get("\(prefix)/invocation/next") { _, _ -> Response in
            let event = await mailbox.take()
            return Response(
                status: .ok,
                headers: [
                    HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!: event.requestID,
                    HTTPField.Name("Lambda-Runtime-Deadline-Ms")!: String(event.deadlineMilliseconds),
                    HTTPField.Name("Lambda-Runtime-Invoked-Function-Arn")!:
                        "arn:aws:lambda:us-east-1:123456789012:function:magpie",
                    HTTPField.Name("Lambda-Runtime-Trace-Id")!: event.traceID, .contentType: "application/json",
                ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: event.body)))
        }
        router.post("\(prefix)/invocation/:id/response") { request, context -> Response in
            let body = try await request.body.collect(upTo: 10_000_000)
            mailbox.record(.response(requestID: context.parameters.get("id") ?? "", body: String(buffer: body)))
            return Response(status: .accepted)
        }
        router.post("\(prefix)/invocation/:id/error") { request, context -> Response in
            let body = try await request.body.collect(upTo: 10_000_000)
            mailbox.record(
                .error(
                    requestID: context.parameters.get("id") ?? "", type: request.headers[errorType], body: String(buffer: body)))
            return Response(status: .accepted)
        }
        router.post("\(prefix)/init/error") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10_000_000)
            mailbox.record(.initializationError(type: request.headers[errorType], body: String(buffer: body)))
            return Response(status: .accepted)
        }
        (port, task) = await LoopbackServer.start(router)
    }

    deinit { task.cancel() }

    /// Queues an event for the next `invocation/next`.
    public func enqueue(
        _ body: [UInt8], requestID: String, deadlineMilliseconds: Int64 = Int64(Date().timeIntervalSince1970 * 1000) + 30_000,
        traceID: String = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    ) {
        mailbox.put(Event(requestID: requestID, deadlineMilliseconds: deadlineMilliseconds, traceID: traceID, body: body))
    }

    /// Waits until `count` posts have arrived and returns them in arrival order; after
    /// `timeout`, returns the fewer that came, so a broken runtime fails a test, not hangs it.
    public func posted(_ count: Int, timeout: Duration = .seconds(30)) async -> [Posted] {
        let timer = Task { [mailbox] in
            try await Task.sleep(for: timeout)
            mailbox.releaseWaiters()
        }
        defer { timer.cancel() }
        return await mailbox.waitForPosts(count)
    }

    /// Events waiting and posts received, with whoever waits for either.
    private final class Mailbox: Sendable {
        private struct State {
            var events: [Event] = []
            var takers: [CheckedContinuation<Event, Never>] = []
            var posted: [Posted] = []
            var postWaiters: [(count: Int, continuation: CheckedContinuation<[Posted], Never>)] = []
        }
        private let state = Mutex(State())

        func put(_ event: Event) {
            let taker = state.withLock { state -> CheckedContinuation<Event, Never>? in
                if state.takers.isEmpty {
                    state.events.append(event)
                    return nil
                }
                return state.takers.removeFirst()
            }
            taker?.resume(returning: event)
        }

        func take() async -> Event {
            await withCheckedContinuation { continuation in
                let event = state.withLock { state -> Event? in
                    if state.events.isEmpty {
                        state.takers.append(continuation)
                        return nil
                    }
                    return state.events.removeFirst()
                }
                if let event { continuation.resume(returning: event) }
            }
        }

        func record(_ post: Posted) {
            let ready = state.withLock { state in
                state.posted.append(post)
                let posted = state.posted
                let (due, rest) = (
                    state.postWaiters.filter { $0.count <= posted.count }, state.postWaiters.filter { $0.count > posted.count }
                )
                state.postWaiters = rest
                return due.map { ($0.continuation, Array(posted.prefix($0.count))) }
            }
            for (continuation, posts) in ready { continuation.resume(returning: posts) }
        }

        func releaseWaiters() {
            let waiting = state.withLock { state in
                defer { state.postWaiters = [] }
                return state.postWaiters.map { ($0.continuation, state.posted) }
            }
            for (continuation, posts) in waiting { continuation.resume(returning: posts) }
        }

        func waitForPosts(_ count: Int) async -> [Posted] {
            await withCheckedContinuation { continuation in
                let posts = state.withLock { state -> [Posted]? in
                    if state.posted.count >= count { return Array(state.posted.prefix(count)) }
                    state.postWaiters.append((count, continuation))
                    return nil
                }
                if let posts { continuation.resume(returning: posts) }
            }
        }
    }
}
