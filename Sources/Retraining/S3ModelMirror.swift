import AWSClient
import Foundation

/// Model folders kept in S3 under `s3://BUCKET/PREFIX` (`models/NAME/VERSION/…`), as Lambda
/// functions share them: serving functions copy them to /tmp at a cold start, the training
/// function copies one model's folder, trains there and uploads the new version.
public struct S3ModelMirror: Sendable {
    public let bucket: String
    /// Ends with `/` unless empty.
    public let prefix: String
    public let s3: S3

    public init(bucket: String, prefix: String, s3: S3) {
        self.bucket = bucket
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.s3 = s3
    }

    /// `s3://BUCKET/PREFIX`, or nil for anything else.
    public static func make(_ location: String, environment: [String: String]) throws -> S3ModelMirror? {
        guard location.hasPrefix("s3://") else { return nil }
        let rest = location.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        guard !bucket.isEmpty else { throw RetrainingError.invalidSource(location) }
        return S3ModelMirror(
            bucket: bucket, prefix: String(rest.dropFirst(bucket.count).drop { $0 == "/" }),
            s3: S3(client: try AWSClient(service: .s3, environment: environment)))
    }

    /// Copies every object under the prefix (and `below`, e.g. `hate-speech/`) into
    /// `directory`, keeping the layout. A file already there with the object's size is kept:
    /// artifacts are immutable, and loading one checks its SHA-256 against its manifest.
    /// Returns the number of files fetched.
    @discardableResult
    public func download(below: String = "", to directory: String) async throws -> Int {
        var fetched = 0
        for object in try await s3.listObjects(bucket: bucket, prefix: prefix + below, deadline: .now + .seconds(60)) {
            let relative = String(object.key.dropFirst(prefix.count))
            guard !relative.isEmpty, !relative.hasSuffix("/"), !relative.split(separator: "/").contains("..") else {
                continue
            }
            let path = directory + "/" + relative
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size == object.size {
                continue
            }
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let bytes = try await s3.getObject(bucket: bucket, key: object.key, deadline: .now + .seconds(300))
            let partial = path + ".partial"
            try Data(bytes).write(to: URL(fileURLWithPath: partial))
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            fetched += 1
        }
        return fetched
    }

    /// Uploads the files of `folder` under `PREFIX/below`, `manifest.json` last: a reader that
    /// lists the prefix meanwhile sees no version until its manifest is there.
    public func upload(folder: String, as below: String) async throws {
        let files = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
        for name in files.sorted(by: { ($0 == "manifest.json" ? 1 : 0, $0) < ($1 == "manifest.json" ? 1 : 0, $1) }) {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw RetrainingError.unreadable(source: folder, name: name)
            }
            try await s3.putObject(
                bucket: bucket, key: prefix + below + name, body: [UInt8](data), deadline: .now + .seconds(300))
        }
    }

    /// Uploads one file as `PREFIX/key`.
    public func upload(file: String, as key: String) async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RetrainingError.unreadable(source: file, name: key)
        }
        try await s3.putObject(bucket: bucket, key: prefix + key, body: [UInt8](data), deadline: .now + .seconds(300))
    }
}
