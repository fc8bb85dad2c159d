import Hummingbird

/// The smallest Hummingbird servers Magpie is measured against (`scripts/bench-serve`): `GET /`
/// answers `ok`, and `POST /v1/infer/hate-speech` decodes the same JSON body Magpie's keyed
/// route takes and answers a constant, so the ratio between the two is Magpie's own cost:
/// keys, quota, model and envelope.
///
/// Usage: BareServer PORT
struct InferRequest: Decodable {
    let text: String
}

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8080 : 8080
let router = Router()
router.get("/") { _, _ in "ok" }
router.post("/v1/infer/hate-speech") { request, context in
    _ = try await request.decode(as: InferRequest.self, context: context)
    return #"{"label":"Neither"}"#
}
let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await application.runService()
