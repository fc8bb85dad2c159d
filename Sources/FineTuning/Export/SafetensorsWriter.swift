import Foundation

/// Writes float32 tensors in the safetensors format `transformers` and Magpie's reader load:
/// an 8-byte little-endian header length, a JSON header padded with spaces to 8 bytes, then
/// the tensors' little-endian bytes in the header's order.
enum SafetensorsWriter {
    static func encode(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)]) -> Data {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var offset = 0
        for tensor in tensors {
            let bytes = tensor.values.count * MemoryLayout<Float>.size
            header[tensor.name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var headerBytes = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        headerBytes.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))
        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(headerBytes)
        // Every platform Swift on Linux runs on is little-endian, as the format is.
        for tensor in tensors { data.append(contentsOf: UnsafeRawBufferPointer(tensor.values)) }
        return data
    }
}
