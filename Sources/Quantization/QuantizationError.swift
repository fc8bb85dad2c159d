/// Why `magpie quantize` wrote no model, worded for the person who ran it.
public enum QuantizationError: Error, Equatable, CustomStringConvertible {
    /// Only encoders are quantized: an n-gram model has no products to quantize, and an
    /// ensemble's members are quantized one by one.
    case notAnEncoderModel(path: String, kind: String)
    case alreadyQuantized(path: String)
    /// The gate: macro F1 fell by more than the allowed drop on the evaluation rows.
    case accuracyDropped(float32: Double, int8: Double, maxDrop: Double, rows: Int)

    public var description: String {
        switch self {
        case .notAnEncoderModel(let path, let kind):
            "\(path) is a model of kind \(kind); quantize takes an encoder head or a fine-tuned encoder (quantize an ensemble's encoder member, then build the ensemble from it)"
        case .alreadyQuantized(let path):
            "\(path): already quantized to int8; quantize its float32 original instead"
        case .accuracyDropped(let float32, let int8, let maxDrop, let rows):
            "int8 macro F1 \(Self.format(int8)) against float32's \(Self.format(float32)) on \(rows) rows: a drop of \(Self.format(float32 - int8)), over --max-drop \(Self.format(maxDrop)); nothing was written"
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.4f", value) }
}
