import Foundation
import Gateway
import JSONValues
import Releases
import Storage

extension Console {
    /// `POST /console/api/models/{model}/{canary|promote|rollback}`: the changes
    /// `magpie models` makes, recorded as decisions by hand, then applied at once here (other
    /// replicas follow within their refresh).
    func changeRelease(model: String, action: String, _ request: GatewayRequest, by admin: AdminKey) async throws
        -> GatewayResponse
    {
        guard let releases = gateway.releases, let summary = releases.summary(of: model) else {
            throw ConsoleError.notFound("a versioned model named \(model)")
        }
        let fields = request.body == nil ? [:] : try object(request)
        do {
            switch action {
            case "canary":
                let version = try Self.wholeNumber(fields["version"], field: "version")
                let weight = try Self.wholeNumber(fields["weight"], field: "weight")
                _ = try await releases.store.startCanary(
                    model: model, version: version, weight: weight, versions: summary.versions)
            case "promote":
                let version = try Self.wholeNumber(fields["version"], field: "version")
                _ = try await releases.store.promote(model: model, version: version, versions: summary.versions)
            case "rollback":
                _ = try await releases.store.rollBack(model: model, versions: summary.versions)
            default:
                throw ConsoleError.notFound("release action \(action); use canary, promote or rollback")
            }
        } catch let error as ReleaseError {
            throw ConsoleError.invalidRequest(error.description)
        } catch let error as StorageError {
            throw ConsoleError.storage(error)
        }
        await releases.refresh()
        logger.notice(
            "console changed a release", metadata: ["admin_key": "\(admin.id)", "model": "\(model)", "action": "\(action)"])
        return ConsoleJSON.response(ModelsView(gateway))
    }

    static func wholeNumber(_ value: JSONValue?, field: String) throws(ConsoleError) -> Int {
        guard case .number(let number)? = value, number == number.rounded(), abs(number) < 1_000_000 else {
            throw .invalidRequest("\(field) must be a whole number")
        }
        return Int(number)
    }
}
