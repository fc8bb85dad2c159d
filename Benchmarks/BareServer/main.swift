import Hummingbird

/// The smallest Hummingbird server, answering `GET /` with `ok`: the reference that
/// `scripts/bench-serve` compares Magpie's throughput, cold start and memory with.
///
/// Usage: BareServer PORT
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8080 : 8080
let router = Router()
router.get("/") { _, _ in "ok" }
let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await application.runService()
