/// What `magpie quantize` did to an artifact: which products became int8, and the model's
/// figures before and after on the same rows, which its accuracy gate compared.
public struct QuantizationRecord: Sendable, Codable, Equatable {
    /// `int8-dynamic`: the encoder layers' products have int8 weights per output channel and
    /// quantize their inputs per row at run time; everything else is float32.
    public var scheme: String
    public var layers: Int
    /// `holdout` (the rows training held out, reproduced from its seed), or `file` (every row of
    /// the data given).
    public var evaluatedOn: String
    public var rows: Int
    public var float32: ClassificationMetrics
    public var int8: ClassificationMetrics
    /// The largest drop in macro F1 the gate allowed.
    public var maxDrop: Double

    public init(
        layers: Int, evaluatedOn: String, rows: Int, float32: ClassificationMetrics, int8: ClassificationMetrics,
        maxDrop: Double
    ) {
        scheme = "int8-dynamic"
        self.layers = layers
        self.evaluatedOn = evaluatedOn
        self.rows = rows
        self.float32 = float32
        self.int8 = int8
        self.maxDrop = maxDrop
    }
}
