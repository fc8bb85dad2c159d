import Foundation
import JSONValues

/// The JSON document the container endpoint and the instance metadata service both answer:
/// `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (ISO 8601).
enum TemporaryCredentialsDocument {
    static func parse(_ body: [UInt8], source: String) throws(AWSClientError) -> AWSCredentials {
        guard case .object(let object)? = try? JSONParser.parse(body) else {
            throw .credentials("\(source) did not answer a JSON object")
        }
        func string(_ key: String) -> String? {
            if case .string(let value)? = object[key], !value.isEmpty { return value }
            return nil
        }
        if let code = string("Code"), code != "Success" {
            throw .credentials("\(source) answered \(code): \(string("Message") ?? "no message")")
        }
        guard let id = string("AccessKeyId"), let secret = string("SecretAccessKey") else {
            throw .credentials("\(source) answered without AccessKeyId and SecretAccessKey")
        }
        var expiration: Date?
        if let text = string("Expiration") {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = formatter.date(from: text) ?? fractional.date(from: text) else {
                throw .credentials("\(source) answered an Expiration that is not an ISO 8601 time: \(text)")
            }
            expiration = date
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: string("Token"), expiration: expiration)
    }
}
