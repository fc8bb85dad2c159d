import NIOCore
import NIOSSL

/// The TLS side of an `https://` target: one context for the whole run, so each connection
/// pays its handshake but not the loading of trust roots.
public struct TLSClient: Sendable {
    let context: NIOSSLContext
    /// The name sent in SNI and checked against the certificate; nil for an IP address, which
    /// SNI cannot carry (the certificate's IP entries are checked instead).
    let serverHostname: String?

    /// Nil for a plain `http://` target.
    public static func make(for target: BenchTarget) throws(BenchError) -> TLSClient? {
        guard target.secure else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = ["http/1.1"]
        if let file = target.trustedCertificates { configuration.trustRoots = .file(file) }
        do {
            let isAddress = (try? SocketAddress(ipAddress: target.host, port: 0)) != nil
            return TLSClient(
                context: try NIOSSLContext(configuration: configuration), serverHostname: isAddress ? nil : target.host)
        } catch {
            throw .invalidURL(target.url, "cannot set up TLS: \(error)")
        }
    }

    func handler() throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
    }
}
