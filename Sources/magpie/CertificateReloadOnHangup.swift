import Dispatch
import Foundation
import GatewayHost
import Logging

/// Reloads the TLS certificate and key on SIGHUP, as nginx does: new connections get the new
/// pair, open ones keep theirs, and a pair that fails to load is logged and not used.
final class CertificateReloadOnHangup {
    private let source: any DispatchSourceSignal

    init(certificate: ReloadableCertificate, logger: Logger) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            do {
                try certificate.reload()
                logger.notice("reloaded the TLS certificate", metadata: ["certificate": "\(certificate.certificatePath)"])
            } catch {
                logger.error("kept the TLS certificate in use; the new one did not load", metadata: ["error": "\(error)"])
            }
        }
        source.resume()
        self.source = source
    }

    func cancel() {
        source.cancel()
    }
}
