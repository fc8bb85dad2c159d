/// How a sequence's hidden states become one vector: sentence-transformers' mean over every
/// token (`[CLS]` and `[SEP]` included), or the `[CLS]` state alone.
public enum Pooling: String, Sendable, Codable {
    case mean
    case cls

    /// One vector per sequence of `states`, L2-normalized when `normalize` is set (cosine
    /// similarity then is a dot product).
    public func pool(_ states: HiddenStates, normalize: Bool) -> [[Float]] {
        let size = states.hiddenSize
        var offset = 0
        return states.lengths.map { length in
            defer { offset += length * size }
            var vector = [Float](repeating: 0, count: size)
            guard length > 0 else { return vector }
            switch self {
            case .mean:
                for row in 0..<length {
                    for index in 0..<size { vector[index] += states.values[offset + row * size + index] }
                }
                for index in 0..<size { vector[index] /= Float(length) }
            case .cls:
                for index in 0..<size { vector[index] = states.values[offset + index] }
            }
            if normalize { Self.normalize(&vector) }
            return vector
        }
    }

    /// Scales `vector` to unit length; a zero vector stays zero.
    public static func normalize(_ vector: inout [Float]) {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return }
        for index in vector.indices { vector[index] /= norm }
    }
}
