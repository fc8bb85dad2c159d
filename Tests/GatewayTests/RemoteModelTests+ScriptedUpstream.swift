import AWSClient
import Clocks
import CoreMetrics
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import Logging
import MagpieTestSupport
import ModelRuntime
import NIOCore
import RemoteModels
import Synchronization
import Testing

extension RemoteModelTests {
    /// An upstream whose next answers a test scripts; it counts calls and keeps the last
    /// request's headers and body.
    final class ScriptedUpstream: Sendable {
        enum Step: Sendable {
            case answer(status: Int, headers: [String: String], body: String)
            case delay(Duration, then: String)
        }

        /// What the router shares with the test.
        final class State: Sendable {
            let script = Mutex<[Step]>([])
            let calls = Mutex(0)
            let lastHeaders = Mutex<[String: String]>([:])
            let lastBody = Mutex("")
        }

        let state = State()
        /// Answered when the script is empty.
        let normal: String
        let port: Int
        let task: Task<Void, any Error>

        init(
            path: String = "/predict",
            normal: String = #"[{"label": "POSITIVE", "score": 0.9}, {"label": "NEGATIVE", "score": 0.1}]"#
        ) async {
            self.normal = normal
            let router = Router()
            let state = self.state
            router.post(RouterPath(path)) { request, _ -> Response in
                state.calls.withLock { $0 += 1 }
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName] = field.value }
                state.lastHeaders.withLock { $0 = headers }
                let body = try await request.body.collect(upTo: 1 << 20)
                state.lastBody.withLock { $0 = String(buffer: body) }
                let step = state.script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                switch step {
                case nil:
                    return Self.response(200, [:], normal)
                case .answer(let status, let headers, let body)?:
                    return Self.response(status, headers, body)
                case .delay(let duration, let body)?:
                    try await Task.sleep(for: duration)
                    return Self.response(200, [:], body)
                }
            }
            (port, task) = await LoopbackServer.start(router)
        }

        deinit { task.cancel() }

        static func response(_ status: Int, _ headers: [String: String], _ body: String) -> Response {
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return Response(
                status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
        }

        func then(_ steps: Step...) { state.script.withLock { $0 += steps } }
        var callCount: Int { state.calls.withLock { $0 } }
        var lastBody: String { state.lastBody.withLock { $0 } }
        func lastHeader(_ name: String) -> String? { state.lastHeaders.withLock { $0[name] } }
        var url: String { "http://127.0.0.1:\(port)/predict" }
    }
}
