import Digests
import Foundation

/// Which texts a model was trained on, kept compactly in its artifact (`training-texts.bin`):
/// the first 8 bytes of each text's SHA-256, sorted, 8 bytes a text (174 KB for the 22,305
/// tweets of the bundled model). Retraining keeps rows the stable version saw out of the
/// hold-out that judges a candidate against it, since a model scored on its own training rows
/// looks better than it is. Two different texts share a fingerprint with a probability of
/// about n²/2⁶⁵: for a million rows, about one in 37 million.
public struct TrainingTexts: Sendable, Equatable {
    public static let file = "training-texts.bin"
    static let magic = Array("MGPTXT01".utf8)

    let fingerprints: [UInt64]

    public init(_ texts: some Sequence<String>) {
        fingerprints = Array(Set(texts.map(Self.fingerprint))).sorted()
    }

    init(fingerprints: [UInt64]) {
        self.fingerprints = fingerprints
    }

    public var count: Int { fingerprints.count }

    public func contains(_ text: String) -> Bool {
        let value = Self.fingerprint(text)
        var (low, high) = (0, fingerprints.count)
        while low < high {
            let middle = (low + high) / 2
            if fingerprints[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < fingerprints.count && fingerprints[low] == value
    }

    static func fingerprint(_ text: String) -> UInt64 {
        sha256(Data(text.utf8)).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    var encoded: Data {
        var data = Data(Self.magic)
        data.reserveCapacity(8 + fingerprints.count * 8)
        for value in fingerprints { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func decode(_ data: Data, path: String) throws(ArtifactError) -> TrainingTexts {
        let bytes = [UInt8](data)
        guard bytes.count >= 8, Array(bytes[0..<8]) == magic, (bytes.count - 8) % 8 == 0 else {
            throw .unreadableManifest(path: path, reason: "\(file) is not a list of text fingerprints")
        }
        var values: [UInt64] = []
        values.reserveCapacity((bytes.count - 8) / 8)
        var offset = 8
        while offset < bytes.count {
            values.append(bytes[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) })
            offset += 8
        }
        return TrainingTexts(fingerprints: values)
    }
}
