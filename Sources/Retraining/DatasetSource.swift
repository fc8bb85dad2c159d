import AWSClient
import Foundation

/// Where new training data for a model lands: a local folder, or an S3 prefix. Datasets are
/// CSV or JSON Lines files, taken in name order.
public protocol DatasetSource: Sendable {
    /// The dataset files now in the source, in name order.
    func list() async throws -> [String]
    func read(_ name: String) async throws -> [UInt8]
    /// The source as configured, for messages.
    var description: String { get }
    /// Where the dataset `name` is, for manifests and messages.
    func location(of name: String) -> String
}

extension DatasetSource {
    static func isDataset(_ name: String) -> Bool {
        let lowered = name.lowercased()
        let base = lowered.split(separator: "/").last ?? ""
        return !base.hasPrefix(".") && [".csv", ".jsonl", ".ndjson"].contains { lowered.hasSuffix($0) }
    }
}

/// Dataset files directly in a folder; files being written should be moved in when complete
/// (a rename is atomic), as with any watched folder.
public struct FolderSource: DatasetSource {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var description: String { path }

    public func location(of name: String) -> String { path + "/" + name }

    public func list() async throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: path).filter(Self.isDataset).sorted()
    }

    public func read(_ name: String) async throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path + "/" + name) else {
            throw RetrainingError.unreadable(source: description, name: name)
        }
        return [UInt8](data)
    }
}

/// Dataset objects under `s3://BUCKET/PREFIX`, read through the AWS client.
public struct S3Source: DatasetSource {
    public let bucket: String
    public let prefix: String
    let s3: S3

    public init(bucket: String, prefix: String, s3: S3) {
        self.bucket = bucket
        self.prefix = prefix
        self.s3 = s3
    }

    public var description: String { "s3://\(bucket)/\(prefix)" }

    /// `name` is the object's whole key.
    public func location(of name: String) -> String { "s3://\(bucket)/\(name)" }

    public func list() async throws -> [String] {
        try await s3.listObjects(bucket: bucket, prefix: prefix, deadline: .now + .seconds(60)).map(\.key)
            .filter(Self.isDataset).sorted()
    }

    public func read(_ name: String) async throws -> [UInt8] {
        try await s3.getObject(bucket: bucket, key: name, deadline: .now + .seconds(300))
    }
}

/// Parses `source:`: `s3://BUCKET/PREFIX` or a folder.
public enum DatasetSources {
    public static func make(_ text: String, environment: [String: String]) throws -> any DatasetSource {
        guard text.hasPrefix("s3://") else { return FolderSource(path: text.hasSuffix("/") ? String(text.dropLast()) : text) }
        let rest = text.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        guard !bucket.isEmpty else { throw RetrainingError.invalidSource(text) }
        let prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
        return S3Source(bucket: bucket, prefix: prefix, s3: S3(client: try AWSClient(service: .s3, environment: environment)))
    }
}
