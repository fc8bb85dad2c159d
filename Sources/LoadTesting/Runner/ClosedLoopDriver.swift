import NIOCore

/// One closed-loop connection driven on its event loop: a response's arrival records it and
/// writes the next request from the same callback, as wrk does in its epoll loop, so a request
/// costs no hop between Swift's task pool and the loop. A failed request is recorded and its
/// connection dropped; the next request opens a new one.
final class ClosedLoopDriver: @unchecked Sendable {
    /// The next request's number and the request itself, or nil once the phase is over.
    typealias Next = @Sendable () -> (index: Int, request: HTTP1Request)?

    private let eventLoop: any EventLoop
    private let open: @Sendable () -> EventLoopFuture<HTTP1Connection>
    private let next: Next
    private let timeout: TimeAmount
    private let recorder: Recorder
    private let finished: EventLoopPromise<Void>
    /// Touched only on `eventLoop`.
    private var connection: HTTP1Connection?

    init(
        on eventLoop: any EventLoop, timeout: TimeAmount, recorder: Recorder,
        open: @escaping @Sendable () -> EventLoopFuture<HTTP1Connection>, next: @escaping Next
    ) {
        self.eventLoop = eventLoop
        self.open = open
        self.next = next
        self.timeout = timeout
        self.recorder = recorder
        finished = eventLoop.makePromise()
    }

    /// Sends requests until `next` has none left, then closes the connection.
    func run() async {
        eventLoop.execute { self.sendNext() }
        try? await finished.futureResult.get()
    }

    private func sendNext() {
        guard let (_, request) = next() else {
            connection?.abandon()
            connection = nil
            finished.succeed()
            return
        }
        let start = ContinuousClock.now
        if let connection, connection.isOpen {
            send(request, startedAt: start, on: connection)
            return
        }
        open().hop(to: eventLoop).whenComplete { result in
            switch result {
            case .success(let opened):
                self.connection = opened
                self.send(request, startedAt: start, on: opened)
            case .failure(let error):
                self.failed(error, startedAt: start)
            }
        }
    }

    private func send(_ request: HTTP1Request, startedAt start: ContinuousClock.Instant, on connection: HTTP1Connection) {
        let answer = eventLoop.makePromise(of: HTTP1Response.self)
        answer.futureResult.whenComplete { result in
            switch result {
            case .success(let response):
                self.recorder.record(start: start, end: .now, status: response.status, failure: nil)
                self.sendNext()
            case .failure(let error):
                self.failed(error, startedAt: start)
            }
        }
        connection.send(request, timeout: timeout, answering: answer)
    }

    private func failed(_ error: any Error, startedAt start: ContinuousClock.Instant) {
        let failure = error as? RequestFailure ?? .reset("\(error)")
        recorder.record(start: start, end: .now, status: nil, failure: failure)
        connection?.abandon()
        connection = nil
        // A refused connection fails at once; pausing keeps a run against a down server from
        // spinning through millions of attempts.
        if case .connect = failure {
            eventLoop.scheduleTask(in: .milliseconds(10)) { self.sendNext() }
        } else {
            sendNext()
        }
    }
}
