import Digests
import Foundation

/// Weights packed at an earlier load, saved as a safetensors file named by the SHA-256 of the
/// `model.safetensors` they came from. Packing MiniLM wrote 85 MB into fresh pages: 40 ms of
/// a 120 ms cold start, mostly the kernel's page faults. A saved file is mapped instead, its
/// pages shared with the page cache, and only the pages the forward pass touches are read.
///
/// A saved file is trusted as far as the process that wrote it: it is used only while its
/// remembered-digest entry (`FileDigests`, recording the source's digest against the file's
/// inode and change times) says no one has changed it since, and only where every layer's
/// shape matches the layer it stands for. Anything else is packed again and saved again.
public struct PackedWeightsCache: Sendable {
    /// Where packed files are kept; nil keeps none.
    public let folder: URL?
    let digests: FileDigests
    /// Packed files kept, newest first, up to this many bytes in all.
    let mostBytes: Int

    public init(folder: URL?, digests: FileDigests = .shared, mostBytes: Int = 1 << 30) {
        self.folder = folder
        self.digests = digests
        self.mostBytes = mostBytes
    }

    /// The `packed-weights` folder of `CacheDirectory.base`.
    public static let shared = PackedWeightsCache(folder: CacheDirectory.base?.appendingPathComponent("packed-weights"))

    /// The packing of the layers of `source`, from its saved file when there is one. Only a
    /// source whose digest is remembered is looked up: hashing 90 MB to find the file would
    /// cost more than packing.
    func session(for source: SafetensorsFile) -> WeightPacking {
        guard PackedWeights.isUsed, let folder, let sourceDigest = digests.rememberedDigest(ofFileAt: source.path)?.sha256
        else { return WeightPacking(saved: nil, save: nil) }
        let path = folder.appendingPathComponent(sourceDigest + ".safetensors").path
        let saved = digests.rememberedDigest(ofFileAt: path)?.sha256 == sourceDigest ? try? SafetensorsFile(path: path) : nil
        return WeightPacking(saved: saved) { layers in save(layers, sourceDigest: sourceDigest, in: folder) }
    }

    /// Writes the packed layers under a temporary name, then renames the file into place: a
    /// reader sees a whole file or none. 30 ms for MiniLM, once per weights and machine.
    func save(_ layers: [(key: String, packed: PackedWeights)], sourceDigest: String, in folder: URL) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let entries = layers.map { layer in
            SafetensorsWriter.Entry(
                name: layer.key, shape: PackedWeights.shape(outputs: layer.packed.outputs, inputs: layer.packed.inputs),
                values: UnsafeBufferPointer(
                    start: layer.packed.values,
                    count: PackedWeights.count(outputs: layer.packed.outputs, inputs: layer.packed.inputs)))
        }
        let temporary = folder.appendingPathComponent(".saving-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        var bytes = 0
        func write(_ part: UnsafeRawBufferPointer) -> Bool {
            bytes += part.count
            return Self.writeAll(part, to: descriptor)
        }
        var written = SafetensorsWriter.prefix(entries, dataAlignment: 64).withUnsafeBytes(write)
        for entry in entries where written { written = write(entry.bytes) }
        close(descriptor)
        let final = folder.appendingPathComponent(sourceDigest + ".safetensors").path
        guard written, rename(temporary, final) == 0 else {
            unlink(temporary)
            return
        }
        digests.remember(FileDigests.Digest(sha256: sourceDigest, bytes: bytes), forFileWrittenAt: final)
        prune(folder, keeping: final)
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// Removes files of sources packed long ago, beyond `mostBytes`, and temporary files an
    /// exited process left.
    private func prune(_ folder: URL, keeping kept: String) {
        let manager = FileManager.default
        let files = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).compactMap {
            name -> (path: String, bytes: Int, modified: Date)? in
            let path = folder.appendingPathComponent(name).path
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                let bytes = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date
            else { return nil }
            return (path, bytes, modified)
        }
        var total = 0
        for file in files.sorted(by: { $0.modified > $1.modified }) where file.path != kept {
            let name = URL(fileURLWithPath: file.path).lastPathComponent
            let isLeftOver = name.hasPrefix(".saving-")
            if isLeftOver ? file.modified.timeIntervalSinceNow < -3600 : total + file.bytes > mostBytes {
                try? manager.removeItem(atPath: file.path)
            } else if !isLeftOver {
                total += file.bytes
            }
        }
    }
}

/// The packing of one encoder's layers as it loads: each layer from the saved file when it is
/// there, else packed now; layers packed now are saved when loading is done.
final class WeightPacking {
    private let saved: SafetensorsFile?
    private let save: (@Sendable ([(key: String, packed: PackedWeights)]) -> Void)?
    private var layers: [(key: String, packed: PackedWeights)] = []
    private var packedNow = 0

    init(saved: SafetensorsFile?, save: (@Sendable ([(key: String, packed: PackedWeights)]) -> Void)?) {
        self.saved = saved
        self.save = save
    }

    /// The packed form of `weight`, the layer (or stacked layers) `key`; nil on the portable
    /// path, which multiplies with OpenBLAS.
    func packed(_ key: String, weight: Tensor) -> PackedWeights? {
        guard PackedWeights.isUsed else { return nil }
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        let packed: PackedWeights
        if let tensor = try? saved?.tensor(key, shape: PackedWeights.shape(outputs: outputs, inputs: inputs)),
            let mapped = PackedWeights(packed: tensor, outputs: outputs, inputs: inputs)
        {
            packed = mapped
        } else {
            packed = PackedWeights(weight.pointer, outputs: outputs, inputs: inputs)
            packedNow += 1
        }
        layers.append((key, packed))
        return packed
    }

    func finish() {
        if packedNow > 0 { save?(layers) }
    }
}
