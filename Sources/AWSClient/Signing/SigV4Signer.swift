import Crypto
import Foundation
import Synchronization

/// AWS Signature Version 4 for one service in one region, in the `Authorization` header or
/// as a presigned query, exactly as AWS documents it and its test suite checks it.
///
/// The derived signing key depends only on the secret, the day, the region and the service,
/// so it is kept between requests: four of a signature's six HMACs are then skipped.
public final class SigV4Signer: Sendable {
    public let region: String
    public let service: String
    public let pathEncoding: PathEncoding
    /// Resolves `.` and `..` segments and folds repeated slashes before signing; S3 signs the
    /// path as it is.
    public let normalizesPath: Bool

    /// How the canonical request's path is written.
    public enum PathEncoding: Sendable {
        /// Encoded once more on top of the wire path: every service but S3.
        case doubleEncoded
        /// The wire path as it is: S3.
        case singleEncoded
    }

    private struct CachedKey {
        var secret: String
        var dateStamp: String
        var key: [UInt8]
    }

    private let cachedKey = Mutex<CachedKey?>(nil)

    static let algorithm = "AWS4-HMAC-SHA256"
    /// Headers that proxies and clients add or change on the way, which a signature must not
    /// cover.
    static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "traceparent", "tracestate", "expect", "connection",
        "transfer-encoding",
    ]

    public init(region: String, service: String, pathEncoding: PathEncoding? = nil, normalizesPath: Bool? = nil) {
        self.region = region
        self.service = service
        let isS3 = service == "s3"
        self.pathEncoding = pathEncoding ?? (isS3 ? .singleEncoded : .doubleEncoded)
        self.normalizesPath = normalizesPath ?? !isS3
    }

    /// Signs in the `Authorization` header, adding `X-Amz-Date` (and the session token and,
    /// with `signsBody`, `X-Amz-Content-Sha256`). With `omitsSessionToken` the token is added
    /// after signing and not covered, as IoT and a few STS flows require.
    @discardableResult
    public func sign(
        _ request: inout SignableRequest, credentials: AWSCredentials, date: Date, signsBody: Bool = false,
        omitsSessionToken: Bool = false
    ) -> SigningSteps {
        let time = SigningTime(date)
        let payloadHash = Hex.sha256(request.body)
        request.headers.append(("X-Amz-Date", time.timestamp))
        if signsBody { request.headers.append(("x-amz-content-sha256", payloadHash)) }
        if let token = credentials.sessionToken, !omitsSessionToken {
            request.headers.append(("X-Amz-Security-Token", token))
        }
        let headers = canonicalHeaders(request.headers)
        let canonicalRequest = [
            request.method, canonicalPath(request.path), canonicalQuery(request.query), headers.block, headers.signed,
            payloadHash,
        ].joined(separator: "\n")
        let steps = finish(canonicalRequest, time: time, secret: credentials.secretAccessKey)
        if let token = credentials.sessionToken, omitsSessionToken {
            request.headers.append(("X-Amz-Security-Token", token))
        }
        request.headers.append(
            (
                "Authorization",
                "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(time)), SignedHeaders=\(headers.signed), Signature=\(steps.signature)"
            ))
        return steps
    }

    /// Signs in the query string (a presigned URL valid for `expires` seconds).
    @discardableResult
    public func presign(
        _ request: inout SignableRequest, credentials: AWSCredentials, date: Date, expires: Int,
        omitsSessionToken: Bool = false
    ) -> SigningSteps {
        let time = SigningTime(date)
        let headers = canonicalHeaders(request.headers)
        var parameters = [
            ("X-Amz-Algorithm", Self.algorithm), ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(time))"),
            ("X-Amz-Date", time.timestamp), ("X-Amz-SignedHeaders", headers.signed), ("X-Amz-Expires", String(expires)),
        ]
        let token = credentials.sessionToken.map { ("X-Amz-Security-Token", $0) }
        if let token, !omitsSessionToken { parameters.append(token) }
        let signedQuery = Self.appending(parameters, to: request.query)
        let canonicalRequest = [
            request.method, canonicalPath(request.path), canonicalQuery(signedQuery), headers.block, headers.signed,
            Hex.sha256(request.body),
        ].joined(separator: "\n")
        let steps = finish(canonicalRequest, time: time, secret: credentials.secretAccessKey)
        var finalParameters: [(String, String)] = []
        if let token, omitsSessionToken { finalParameters.append(token) }
        finalParameters.append(("X-Amz-Signature", steps.signature))
        request.query = Self.appending(finalParameters, to: signedQuery)
        return steps
    }

    private func scope(_ time: SigningTime) -> String {
        "\(time.dateStamp)/\(region)/\(service)/aws4_request"
    }

    private func finish(_ canonicalRequest: String, time: SigningTime, secret: String) -> SigningSteps {
        let stringToSign = [Self.algorithm, time.timestamp, scope(time), Hex.sha256(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")
        let key = signingKey(secret: secret, dateStamp: time.dateStamp)
        let signature = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key).withUnsafeBytes(Hex.lowercase)
        return SigningSteps(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature)
    }

    private func signingKey(secret: String, dateStamp: String) -> SymmetricKey {
        if let key = cachedKey.withLock({ $0?.secret == secret && $0?.dateStamp == dateStamp ? $0?.key : nil }) {
            return SymmetricKey(data: key)
        }
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
        }
        let dateKey = hmac(SymmetricKey(data: Array(("AWS4" + secret).utf8)), dateStamp)
        let key = hmac(hmac(hmac(dateKey, region), service), "aws4_request")
        let bytes = key.withUnsafeBytes { Array($0) }
        cachedKey.withLock { $0 = CachedKey(secret: secret, dateStamp: dateStamp, key: bytes) }
        return key
    }

    package func canonicalPath(_ path: String) -> String {
        let path = path.isEmpty ? "/" : path
        switch pathEncoding {
        case .singleEncoded: return path
        case .doubleEncoded: return URIEncoding.encode(normalizesPath ? URIEncoding.normalizedPath(path) : path, keepSlash: true)
        }
    }

    /// Parameters decoded from the wire form, encoded again the one canonical way, sorted by
    /// name and then value. Works on bytes: splitting a `String` by `Character` cost more
    /// than the rest of a signature.
    func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let bytes = Array(query.utf8)
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                var equals = start
                while equals < end && bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                var name: [UInt8] = []
                var value: [UInt8] = []
                URIEncoding.append(URIEncoding.decode(bytes[start..<equals]), to: &name)
                if equals < end { URIEncoding.append(URIEncoding.decode(bytes[(equals + 1)..<end]), to: &value) }
                pairs.append((name, value))
            }
            start = end + 1
        }
        pairs.sort {
            $0.name == $1.name ? $0.value.lexicographicallyPrecedes($1.value) : $0.name.lexicographicallyPrecedes($1.name)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            output += pair.name
            output.append(UInt8(ascii: "="))
            output += pair.value
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Lowercased names in order, each with its values trimmed, inner runs of white space
    /// folded to one space, and repeated fields joined by commas in the order sent.
    func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, signed: String) {
        var fields: [(name: [UInt8], value: [UInt8], order: Int)] = []
        fields.reserveCapacity(headers.count)
        for (order, (name, value)) in headers.enumerated() {
            let lowered = name.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
            guard !Self.isUnsigned(lowered) else { continue }
            fields.append((lowered, Self.foldingWhiteSpace(value), order))
        }
        fields.sort { $0.name == $1.name ? $0.order < $1.order : $0.name.lexicographicallyPrecedes($1.name) }
        var block: [UInt8] = []
        var signed: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0, fields[index - 1].name == field.name {
                block.removeLast()
                block.append(UInt8(ascii: ","))
            } else {
                if !signed.isEmpty { signed.append(UInt8(ascii: ";")) }
                signed += field.name
                block += field.name
                block.append(UInt8(ascii: ":"))
            }
            block += field.value
            block.append(UInt8(ascii: "\n"))
        }
        return (String(decoding: block, as: UTF8.self), String(decoding: signed, as: UTF8.self))
    }

    private static let unsignedHeaderBytes = unsignedHeaders.map { Array($0.utf8) }

    private static func isUnsigned(_ name: [UInt8]) -> Bool {
        unsignedHeaderBytes.contains(name)
    }

    static func foldingWhiteSpace(_ value: String) -> [UInt8] {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
        }
        let bytes = Array(value.utf8)
        let isFolded =
            !(bytes.first.map(isSpace) ?? false) && !(bytes.last.map(isSpace) ?? false)
            && !zip(bytes, bytes.dropFirst()).contains { isSpace($0) && ($0 != UInt8(ascii: " ") || isSpace($1)) }
        if isFolded { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
            {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return output
    }

    static func appending(_ parameters: [(String, String)], to query: String) -> String {
        let added = parameters.map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }.joined(separator: "&")
        return query.isEmpty ? added : query + "&" + added
    }
}
