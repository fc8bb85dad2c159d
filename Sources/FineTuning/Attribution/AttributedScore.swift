import Encoders

/// The score an attribution explains, read off the network's last hidden states.
public enum AttributedScore: Sendable, Equatable {
    /// The network's own classification head: the logit of output `label`.
    case classifierLogit(label: Int)
    /// A linear head over the pooled hidden states (an encoder-head artifact's): `weights ·
    /// pool(states) + bias`, the pooled vector L2-normalized first when `normalizes` is set.
    case pooledLinear(pooling: Pooling, normalizes: Bool, weights: [Float], bias: Float)

    /// The score of the sequence whose `length` hidden states start at `states`, and its
    /// gradient with respect to them, written into `gradient` (the same shape).
    func valueAndGradient(
        states: UnsafePointer<Float>, length: Int, size: Int, gradient: UnsafeMutablePointer<Float>
    ) -> Double {
        guard case .pooledLinear(let pooling, let normalizes, let weights, let bias) = self else {
            preconditionFailure("the classifier's logit comes from the network's own head")
        }
        var pooled = [Float](repeating: 0, count: size)
        let rows = pooling == .mean ? 0..<length : 0..<1
        for row in rows { for index in 0..<size { pooled[index] += states[row * size + index] } }
        for index in 0..<size { pooled[index] /= Float(rows.count) }
        var pooledGradient = weights
        var value = Double(bias)
        if normalizes {
            let norm = max(pooled.reduce(0) { $0 + $1 * $1 }.squareRoot(), .leastNormalMagnitude)
            let unit = pooled.map { $0 / norm }
            let projection = zip(weights, unit).reduce(0) { $0 + $1.0 * $1.1 }
            value += Double(projection)
            // d(w·p/|p|)/dp = (w − (w·u)·u)/|p|, with u = p/|p|.
            for index in 0..<size { pooledGradient[index] = (weights[index] - projection * unit[index]) / norm }
        } else {
            value += zip(weights, pooled).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        gradient.update(repeating: 0, count: length * size)
        for row in rows {
            for index in 0..<size { gradient[row * size + index] = pooledGradient[index] / Float(rows.count) }
        }
        return value
    }
}
