import Foundation
import TextFeatures

/// `weights.bin`: a model's numbers in one little-endian file that loads with a few bulk
/// copies and no parsing.
///
/// Layout: magic `MAGPIEW1`, then UInt32 class count, UInt32 flags (bit 0: IDF present, bit 1:
/// dense, the features being an embedding's dimensions with no fingerprints), UInt64 feature
/// count; then UInt64 fingerprints (unless dense), Float32 IDFs (if flagged), Float32 weights
/// (feature-major) and Float32 biases.
#if _endian(big)
    #error("weights.bin is little-endian; WeightsFile.readArray would need to byte-swap on this platform")
#endif

enum WeightsFile {
    static let magic = Array("MAGPIEW1".utf8)
    static let headerSize = 24

    static let idfFlag: UInt32 = 1
    static let denseFlag: UInt32 = 2

    static func encode(_ model: TrainedModel) -> Data {
        let weights = model.weights
        var flags: UInt32 = 0
        var fingerprints: [UInt64] = []
        var idf: [Float] = []
        switch model {
        case .nGram(let classifier):
            fingerprints = classifier.featureSpace.fingerprints
            idf = classifier.featureSpace.inverseDocumentFrequencies
            if !idf.isEmpty { flags |= idfFlag }
        case .embeddingHead:
            flags |= denseFlag
        }
        var data = Data(magic)
        append(UInt32(weights.classCount).littleEndian, to: &data)
        append(flags.littleEndian, to: &data)
        append(UInt64(weights.featureCount).littleEndian, to: &data)
        appendArray(fingerprints.map(\.littleEndian), to: &data)
        appendArray(idf.map(\.bitPattern.littleEndian), to: &data)
        appendArray(weights.weights.map(\.bitPattern.littleEndian), to: &data)
        appendArray(weights.bias.map(\.bitPattern.littleEndian), to: &data)
        return data
    }

    /// The model in `data`: an n-gram classifier when the manifest has `features`, else an
    /// embedding head, which must then be dense.
    static func decode(_ data: Data, labels: LabelSet, features: FeatureConfiguration?, path: String) throws(ArtifactError)
        -> TrainedModel
    {
        let decoded: Result<TrainedModel, ArtifactError> = data.withUnsafeBytes { bytes in
            do throws(ArtifactError) {
                return .success(try decode(bytes, labels: labels, features: features, path: path))
            } catch {
                return .failure(error)
            }
        }
        return try decoded.get()
    }

    private static func decode(
        _ bytes: UnsafeRawBufferPointer, labels: LabelSet, features: FeatureConfiguration?, path: String
    ) throws(ArtifactError) -> TrainedModel {
        guard bytes.count >= headerSize, bytes.prefix(8).elementsEqual(magic) else {
            throw .corruptWeights(path: path, reason: "it does not start with the Magpie weights header")
        }
        let classCount = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let flags = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        let featureCount = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        guard classCount == labels.count else {
            throw .corruptWeights(path: path, reason: "it has \(classCount) classes, the manifest \(labels.count)")
        }
        let hasIDF = flags & idfFlag != 0
        let isDense = flags & denseFlag != 0
        guard isDense == (features == nil) else {
            throw .corruptWeights(
                path: path,
                reason: isDense
                    ? "it holds an encoder head, the manifest an n-gram model"
                    : "it holds n-gram weights, the manifest an encoder head")
        }
        guard featureCount < Int32.max,
            bytes.count == headerSize + (isDense ? 0 : featureCount * 8) + (hasIDF ? featureCount * 4 : 0)
                + (featureCount * classCount + classCount) * 4
        else {
            throw .corruptWeights(path: path, reason: "its size (\(bytes.count) bytes) does not match its header")
        }
        var offset = headerSize
        let fingerprints: [UInt64] = isDense ? [] : readArray(bytes, at: &offset, count: featureCount)
        let idf: [Float] = hasIDF ? readArray(bytes, at: &offset, count: featureCount) : []
        let weights = LinearWeights(
            classCount: classCount, weights: readArray(bytes, at: &offset, count: featureCount * classCount),
            bias: readArray(bytes, at: &offset, count: classCount))
        guard let features else { return .embeddingHead(EmbeddingHead(labels: labels, weights: weights)) }
        let space = FeatureSpace(configuration: features, fingerprints: fingerprints, inverseDocumentFrequencies: idf)
        guard space.hasDistinctFingerprints else {
            throw .corruptWeights(path: path, reason: "its feature table lists a feature twice")
        }
        return .nGram(TextClassifier(labels: labels, featureSpace: space, weights: weights))
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value) { data.append(contentsOf: $0) }
    }

    private static func appendArray<T: FixedWidthInteger>(_ values: [T], to data: inout Data) {
        values.withUnsafeBytes { data.append(contentsOf: $0) }
    }

    /// One bulk copy from the file into a typed array. The file is little-endian, as is every
    /// platform Magpie runs on; a big-endian build would have to swap here.
    private static func readArray<T: BitwiseCopyable>(_ bytes: UnsafeRawBufferPointer, at offset: inout Int, count: Int) -> [T] {
        let size = count * MemoryLayout<T>.stride
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + size)]))
            initialized = count
        }
        offset += size
        return values
    }
}
