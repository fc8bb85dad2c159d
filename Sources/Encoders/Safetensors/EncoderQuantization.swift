import Foundation

/// Dynamic int8 quantization of an encoder's weights file: every linear layer inside the
/// encoder's layers (query, key, value, attention output, both feed-forward products) gets
/// int8 weights per output channel beside a float32 `weight_scale`; embeddings, LayerNorms,
/// the pooler and the classifier stay float32. `Linear` reads either form, so the quantized
/// folder loads wherever the float one does.
public enum EncoderQuantization {
    /// What quantizing a file did.
    public struct Summary: Sendable, Equatable {
        public var layers: Int
        public var floatBytes: Int
        public var quantizedBytes: Int
    }

    /// Whether the entry is a layer's linear weights: two-dimensional, `….weight`, inside
    /// `….layer.N.` (BERT's `encoder.layer`, DistilBERT's `transformer.layer`).
    static func isQuantized(_ name: String, _ entry: SafetensorsFile.Entry) -> Bool {
        entry.shape.count == 2 && name.hasSuffix(".weight") && name.contains(".layer.")
            && (entry.type == "F32" || entry.type == "F16" || entry.type == "BF16")
    }

    /// The quantized form of `file`, in the safetensors format: float tensors first, so each
    /// stays 4-byte aligned and is read in place.
    public static func quantize(_ file: SafetensorsFile) throws(EncoderError) -> (data: Data, summary: Summary) {
        var floats: [(name: String, shape: [Int], values: [Float])] = []
        var integers: [(name: String, shape: [Int], values: [Int8])] = []
        var copied: [(name: String, entry: SafetensorsFile.Entry)] = []
        var summary = Summary(layers: 0, floatBytes: 0, quantizedBytes: 0)
        for (name, entry) in file.entries.sorted(by: { $0.key < $1.key }) {
            summary.floatBytes += entry.shape.reduce(1, *) * (entry.type == "F32" ? 4 : 2)
            if isQuantized(name, entry) {
                let weight = try file.tensor(name, shape: entry.shape)
                let (values, scales) = QuantizedWeights.quantize(weight.pointer, outputs: entry.shape[0], inputs: entry.shape[1])
                integers.append((name, entry.shape, values))
                floats.append((name + "_scale", [entry.shape[0]], scales))
                summary.layers += 1
            } else if ["F32", "F16", "BF16"].contains(entry.type) {
                floats.append((name, entry.shape, try file.tensor(name, shape: entry.shape).values))
            } else {
                copied.append((name, entry))
            }
        }
        var entries: [SafetensorsWriter.Entry] = []
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { for buffer in buffers { buffer.deallocate() } }
        func keep<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: values.count)
            _ = buffer.initialize(from: values)
            buffers.append(UnsafeMutableRawBufferPointer(buffer))
            return UnsafeBufferPointer(buffer)
        }
        for tensor in floats { entries.append(.init(name: tensor.name, shape: tensor.shape, values: keep(tensor.values))) }
        for (name, entry) in copied {
            var raw = SafetensorsWriter.Entry(name: name, shape: entry.shape, values: keep([Int8]()))
            raw.type = entry.type
            raw.bytes = file.bytes(of: name) ?? UnsafeRawBufferPointer(start: nil, count: 0)
            entries.append(raw)
        }
        for tensor in integers { entries.append(.init(name: tensor.name, shape: tensor.shape, values: keep(tensor.values))) }
        let data = SafetensorsWriter.encode(entries)
        summary.quantizedBytes = data.count
        return (data, summary)
    }
}
