import Foundation
import TextFeatures

/// `weights.bin`: a model's numbers in one little-endian file that loads with a few bulk
/// copies and no parsing.
///
/// Layout: magic `MAGPIEW1`, then UInt32 class count, UInt32 flags (bit 0: IDF present),
/// UInt64 feature count; then UInt64 fingerprints, Float32 IDFs (if flagged), Float32 weights
/// (feature-major) and Float32 biases.
enum WeightsFile {
    static let magic = Array("MAGPIEW1".utf8)
    static let headerSize = 24

    static func encode(_ classifier: TextClassifier) -> Data {
        let space = classifier.featureSpace
        let hasIDF = !space.inverseDocumentFrequencies.isEmpty
        var data = Data(magic)
        append(UInt32(classifier.labels.count).littleEndian, to: &data)
        append(UInt32(hasIDF ? 1 : 0).littleEndian, to: &data)
        append(UInt64(space.count).littleEndian, to: &data)
        appendArray(space.fingerprints.map(\.littleEndian), to: &data)
        if hasIDF { appendArray(space.inverseDocumentFrequencies.map(\.bitPattern.littleEndian), to: &data) }
        appendArray(classifier.weights.weights.map(\.bitPattern.littleEndian), to: &data)
        appendArray(classifier.weights.bias.map(\.bitPattern.littleEndian), to: &data)
        return data
    }

    static func decode(_ data: Data, labels: LabelSet, features: FeatureConfiguration, path: String) throws(ArtifactError)
        -> TextClassifier
    {
        let bytes = [UInt8](data)
        guard bytes.count >= headerSize, Array(bytes[0..<8]) == magic else {
            throw .corruptWeights(path: path, reason: "it does not start with the Magpie weights header")
        }
        let classCount = Int(read(UInt32.self, bytes, at: 8))
        let flags = read(UInt32.self, bytes, at: 12)
        let featureCount = Int(clamping: read(UInt64.self, bytes, at: 16))
        guard classCount == labels.count else {
            throw .corruptWeights(path: path, reason: "it has \(classCount) classes, the manifest \(labels.count)")
        }
        let hasIDF = flags & 1 == 1
        let expected =
            headerSize + featureCount * 8 + (hasIDF ? featureCount * 4 : 0) + (featureCount * classCount + classCount) * 4
        guard featureCount < Int32.max, bytes.count == expected else {
            throw .corruptWeights(path: path, reason: "its size (\(bytes.count) bytes) does not match its header")
        }
        var offset = headerSize
        let fingerprints: [UInt64] = readArray(bytes, at: &offset, count: featureCount).map { UInt64(littleEndian: $0) }
        let idf: [Float] = hasIDF ? readFloats(bytes, at: &offset, count: featureCount) : []
        let weights = readFloats(bytes, at: &offset, count: featureCount * classCount)
        let bias = readFloats(bytes, at: &offset, count: classCount)
        let space = FeatureSpace(configuration: features, fingerprints: fingerprints, inverseDocumentFrequencies: idf)
        guard space.hasDistinctFingerprints else {
            throw .corruptWeights(path: path, reason: "its feature table lists a feature twice")
        }
        return TextClassifier(
            labels: labels, featureSpace: space, weights: LinearWeights(classCount: classCount, weights: weights, bias: bias))
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value) { data.append(contentsOf: $0) }
    }

    private static func appendArray<T: FixedWidthInteger>(_ values: [T], to data: inout Data) {
        values.withUnsafeBytes { data.append(contentsOf: $0) }
    }

    private static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + MemoryLayout<T>.size)]) }
        return T(littleEndian: value)
    }

    private static func readArray<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: inout Int, count: Int) -> [T] {
        let size = count * MemoryLayout<T>.size
        var values = [T](repeating: 0, count: count)
        values.withUnsafeMutableBytes { $0.copyBytes(from: bytes[offset..<(offset + size)]) }
        offset += size
        return values
    }

    private static func readFloats(_ bytes: [UInt8], at offset: inout Int, count: Int) -> [Float] {
        let patterns: [UInt32] = readArray(bytes, at: &offset, count: count)
        return patterns.map { Float(bitPattern: UInt32(littleEndian: $0)) }
    }
}
