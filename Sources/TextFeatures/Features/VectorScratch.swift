/// The buffers `FeatureSpace.vector(forOccurrences:scratch:)` reuses from text to text, so a
/// warm predictor allocates only its result. Each thread owns one.
public struct VectorScratch: Sendable {
    var firstSlots: [FeatureIndex.Slot] = []
    var keys: [Int32] = []
    var inverseDocumentFrequencies: [Float] = []
    var counter = FeatureCounter()

    public init() {}
}
