import NIOSSL
import Synchronization

/// The server's certificate chain and private key, read from PEM files and read again on
/// `reload()` (SIGHUP): each TLS handshake takes whichever pair is current, so a renewed
/// certificate is served to new connections without dropping the open ones. A reload that
/// fails (a missing file, a key that does not match) keeps the pair in use.
public final class ReloadableCertificate: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let current: Mutex<NIOSSLContextConfigurationOverride>

    public init(certificatePath: String, keyPath: String) throws(TLSSetupError) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        current = Mutex(try Self.load(certificatePath: certificatePath, keyPath: keyPath))
    }

    public func reload() throws(TLSSetupError) {
        let loaded = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        current.withLock { $0 = loaded }
    }

    /// TLS 1.2 or later with NIOSSL's default suites (ECDHE with AES-GCM or ChaCha20-Poly1305
    /// only), ALPN offering HTTP/2 then HTTP/1.1, and the current pair chosen per handshake.
    func serverConfiguration() throws(TLSSetupError) -> TLSConfiguration {
        let pair = current.withLock { $0 }
        guard let chain = pair.certificateChain, let key = pair.privateKey else {
            throw .unreadable(certificatePath, reason: "no certificate loaded")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.sslContextCallback = { [self] _, promise in
            promise.succeed(current.withLock { $0 })
        }
        return configuration
    }

    static func load(certificatePath: String, keyPath: String) throws(TLSSetupError) -> NIOSSLContextConfigurationOverride {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw .unreadable(certificatePath, reason: "not a PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw .unreadable(certificatePath, reason: "holds no certificate") }
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw .unreadable(keyPath, reason: "not a PEM private key (\(error))")
        }
        // A context built from the pair fails when the key does not belong to the certificate.
        do {
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } catch {
            throw .mismatch(certificate: certificatePath, key: keyPath, reason: "\(error)")
        }
        var pair = NIOSSLContextConfigurationOverride()
        pair.certificateChain = chain.map { .certificate($0) }
        pair.privateKey = .privateKey(key)
        return pair
    }
}

/// Why TLS could not be set up, naming the file.
public enum TLSSetupError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, reason: String)
    case mismatch(certificate: String, key: String, reason: String)
    case context(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .mismatch(let certificate, let key, let reason):
            "\(key) is not the private key of \(certificate) (\(reason))"
        case .context(let reason): "cannot set up TLS: \(reason)"
        }
    }
}
