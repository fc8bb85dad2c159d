/// The S3 calls Magpie makes: list a prefix (ListObjectsV2), read and write an object. Path
/// style (`/BUCKET/KEY`), which every region and S3-compatible server (moto, MinIO) answers.
public struct S3: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// An object in a listing.
    public struct Object: Sendable, Equatable {
        public var key: String
        public var size: Int
        /// The quoted ETag, as S3 sends it.
        public var eTag: String
    }

    /// Every object under `prefix`, in S3's order (UTF-8 binary order of keys), page by page.
    public func listObjects(bucket: String, prefix: String, deadline: ContinuousClock.Instant) async throws(AWSClientError)
        -> [Object]
    {
        var objects: [Object] = []
        var continuation: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let continuation { query.append(("continuation-token", continuation)) }
            // Slashes stay as they are on the wire (S3 reads `prefix=a/b` and `prefix=a%2Fb` alike);
            // the signature's canonical query encodes them either way.
            let encoded = query.sorted { $0.0 < $1.0 }
                .map { "\(URIEncoding.encode($0.0))=\(URIEncoding.encode($0.1, keepSlash: true))" }
                .joined(separator: "&")
            let response = try await client.send(
                method: "GET", path: "/\(URIEncoding.encode(bucket))", query: encoded, deadline: deadline)
            let page = S3ListingXML(response.answer.body)
            for entry in page.elements("Contents") {
                guard let key = entry.first("Key"), let size = entry.first("Size").flatMap(Int.init) else {
                    throw .invalidResponse("ListObjectsV2: an entry without Key or Size")
                }
                objects.append(Object(key: key, size: size, eTag: entry.first("ETag") ?? ""))
            }
            continuation = page.first("IsTruncated") == "true" ? page.first("NextContinuationToken") : nil
        } while continuation != nil
        return objects
    }

    public func getObject(bucket: String, key: String, deadline: ContinuousClock.Instant) async throws(AWSClientError)
        -> [UInt8]
    {
        try await client.send(method: "GET", path: Self.path(bucket, key), deadline: deadline).answer.body
    }

    public func putObject(
        bucket: String, key: String, body: [UInt8], contentType: String = "application/octet-stream",
        deadline: ContinuousClock.Instant
    ) async throws(AWSClientError) {
        _ = try await client.send(
            method: "PUT", path: Self.path(bucket, key), headers: [("Content-Type", contentType)], body: body,
            deadline: deadline)
    }

    /// Creates `bucket` in the client's region (scripts and tests set up their buckets this way).
    public func createBucket(_ bucket: String, deadline: ContinuousClock.Instant) async throws(AWSClientError) {
        let body =
            client.region == "us-east-1"
            ? []
            : Array(
                "<CreateBucketConfiguration><LocationConstraint>\(client.region)</LocationConstraint></CreateBucketConfiguration>"
                    .utf8)
        _ = try await client.send(method: "PUT", path: "/" + URIEncoding.encode(bucket), body: body, deadline: deadline)
    }

    /// `/BUCKET/KEY` with each key segment percent-encoded once (S3 signs the path as sent).
    static func path(_ bucket: String, _ key: String) -> String {
        "/" + URIEncoding.encode(bucket) + "/"
            + key.split(separator: "/", omittingEmptySubsequences: false)
            .map { URIEncoding.encode(String($0)) }.joined(separator: "/")
    }
}
