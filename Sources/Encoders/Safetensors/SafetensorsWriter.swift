import Foundation

/// Writes tensors in the safetensors format `transformers` and Magpie's reader load: an
/// 8-byte little-endian header length, a JSON header padded with spaces to 8 bytes, then the
/// tensors' little-endian bytes in the header's order. Float32 for trained weights; int8 for
/// the layers `magpie quantize` writes.
public enum SafetensorsWriter {
    public struct Entry {
        public var name: String
        /// `F32` or `I8`.
        public var type: String
        public var shape: [Int]
        public var bytes: UnsafeRawBufferPointer

        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            (self.name, type, self.shape, bytes) = (name, "F32", shape, UnsafeRawBufferPointer(values))
        }

        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Int8>) {
            (self.name, type, self.shape, bytes) = (name, "I8", shape, UnsafeRawBufferPointer(values))
        }
    }

    public static func encode(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)]) -> Data {
        encode(tensors.map { Entry(name: $0.name, shape: $0.shape, values: $0.values) })
    }

    public static func encode(_ tensors: [Entry]) -> Data {
        let prefix = prefix(tensors, dataAlignment: 8)
        var data = Data(capacity: prefix.count + tensors.reduce(0) { $0 + $1.bytes.count })
        data.append(contentsOf: prefix)
        // Every platform Swift on Linux runs on is little-endian, as the format is.
        for tensor in tensors { data.append(contentsOf: tensor.bytes) }
        return data
    }

    /// The header length and the JSON header, padded with spaces so that the data starts on
    /// a multiple of `dataAlignment` bytes (8, or 64 for weights a kernel loads aligned).
    static func prefix(_ tensors: [Entry], dataAlignment: Int) -> [UInt8] {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var offset = 0
        for tensor in tensors {
            header[tensor.name] = [
                "dtype": tensor.type, "shape": tensor.shape, "data_offsets": [offset, offset + tensor.bytes.count],
            ]
            offset += tensor.bytes.count
        }
        var headerBytes = [UInt8](
            (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8))
        headerBytes += [UInt8](
            repeating: UInt8(ascii: " "), count: (dataAlignment - (8 + headerBytes.count) % dataAlignment) % dataAlignment)
        return withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) } + headerBytes
    }
}
