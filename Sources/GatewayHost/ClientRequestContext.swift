import Hummingbird
import NIOCore

/// Hummingbird's basic request context plus the peer's address, which limits per client need.
struct ClientRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let clientAddress: String?

    init(source: Source) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
