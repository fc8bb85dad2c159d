import Hummingbird
import MagpieTestSupport
import Synchronization

/// A real HTTP server on a loopback port whose answers a test controls: a status per request
/// number, a delay per request number.
final class TestEndpoint: Sendable {
    /// Requests received so far.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    let port: Int
    let served = Counter()
    private let task: Task<Void, any Error>

    var url: String { "http://127.0.0.1:\(port)/endpoint" }

    /// - Parameter answer: for the n-th request (from 0), its status and how long to wait first.
    init(answer: @escaping @Sendable (Int) -> (status: HTTPResponse.Status, delay: Duration)) async {
        let router = Router()
        let served = served
        router.on("/endpoint", method: .get) { _, _ -> Response in
            let (status, delay) = answer(served.value.wrappingAdd(1, ordering: .relaxed).oldValue)
            if delay > .zero { try await Task.sleep(for: delay) }
            return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.on("/endpoint", method: .post) { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            served.value.add(1, ordering: .relaxed)
            return Response(status: .ok, body: ResponseBody(byteBuffer: body))
        }
        (port, task) = await LoopbackServer.start(router)
    }

    deinit { task.cancel() }
}
