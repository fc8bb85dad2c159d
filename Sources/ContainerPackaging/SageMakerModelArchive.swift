import CompressNIO
import Foundation
import LambdaPackaging
import NIOCore

/// `model.tar.gz` as SageMaker expects a model's data (`ModelDataUrl`): a gzipped tar that it
/// unpacks into `/opt/ml/model` before starting the container. Each model sits in a folder of
/// its name, so the unpacked folder is a models directory that `magpie container serve`
/// serves as it is, and one archive can carry several models.
public struct SageMakerModelArchive: Sendable {
    public var models: [String]

    public init(models: [String]) {
        self.models = models
    }

    public struct Summary: Sendable {
        public var output: String
        public var models: [String]
        public var compressedBytes: Int64
        public var uncompressedBytes: Int64
    }

    public func write(to output: String) throws(ContainerPackagingError) -> Summary {
        let checked: PackagedModels
        do { checked = try PackagedModels(paths: models) } catch { throw .model(error) }
        let outputURL = URL(fileURLWithPath: output)
        if FileManager.default.fileExists(atPath: output), !Self.isGzip(outputURL) { throw .outputExists(output) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-model-\(UUID().uuidString).tar")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var tar = try TarWriter(creating: scratch)
        for (name, folder) in checked.folders.sorted(by: { $0.key < $1.key }) {
            let base = URL(fileURLWithPath: folder).resolvingSymlinksInPath()
            var directories = Set<String>()
            for file in try RootFilesystem.files(under: base) {
                let path = name + "/" + file
                var parent = ""
                for component in path.split(separator: "/").dropLast() {
                    parent += (parent.isEmpty ? "" : "/") + component
                    if directories.insert(parent).inserted { try tar.addDirectory(parent) }
                }
                try tar.addFile(path, from: base.appendingPathComponent(file))
            }
        }
        let uncompressed = try tar.finish().size
        let compressed = try Self.gzip(scratch, to: outputURL)
        return Summary(
            output: output, models: checked.folders.keys.sorted(), compressedBytes: compressed, uncompressedBytes: uncompressed)
    }

    /// Compresses in 1 MB blocks (each flushed, so its output fits a buffer of known size),
    /// into a temporary name renamed into place.
    static func gzip(_ source: URL, to output: URL) throws(ContainerPackagingError) -> Int64 {
        let partial = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial")
        guard let input = FileHandle(forReadingAtPath: source.path) else { throw .unreadable(source.path) }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: partial.path)
        else { throw .writeFailed(partial.path, reason: "cannot create the file") }
        var written: Int64 = 0
        do {
            let compressor = CompressionAlgorithm.gzip().compressor
            try compressor.startStream()
            while true {
                let chunk = try input.read(upToCount: 1 << 20) ?? Data()
                var block = ByteBuffer(bytes: chunk)
                var compressed = ByteBufferAllocator().buffer(capacity: compressor.maxSize(from: block) + 64)
                try block.compressStream(to: &compressed, with: compressor, flush: chunk.isEmpty ? .finish : .sync)
                try handle.write(contentsOf: Data(compressed.readableBytesView))
                written += Int64(compressed.readableBytes)
                if chunk.isEmpty { break }
            }
            try compressor.finishStream()
            try handle.close()
            _ = try? FileManager.default.removeItem(at: output)
            try FileManager.default.moveItem(at: partial, to: output)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
            throw .writeFailed(output.path, reason: "\(error)")
        }
        return written
    }

    /// Whether a file starts with gzip's magic bytes (so `--output` may replace it).
    static func isGzip(_ url: URL) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 2)) == Data([0x1F, 0x8B])
    }
}
