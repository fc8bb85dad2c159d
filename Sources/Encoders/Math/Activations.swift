import Foundation

enum Activations {
    /// GELU in place: the exact `x·Φ(x)` with erf, or the tanh approximation. The two differ by
    /// up to 4e-4 in all-MiniLM-L6-v2's embeddings, so the configuration decides.
    static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int, _ activation: EncoderConfiguration.Activation) {
        switch activation {
        case .gelu:
            for index in 0..<count {
                let x = values[index]
                values[index] = 0.5 * x * (1 + erff(x * 0.707_106_77))
            }
        case .geluTanh:
            for index in 0..<count {
                let x = values[index]
                values[index] = 0.5 * x * (1 + tanhf(0.797_884_6 * (x + 0.044_715 * x * x * x)))
            }
        }
    }

    /// Softmax of each row of `rows × columns`, in place, stable against large scores.
    static func softmaxRows(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for row in 0..<rows {
            let x = values + row * columns
            var maximum = -Float.infinity
            for column in 0..<columns { maximum = max(maximum, x[column]) }
            var sum: Float = 0
            for column in 0..<columns {
                x[column] = expf(x[column] - maximum)
                sum += x[column]
            }
            let scale = 1 / sum
            for column in 0..<columns { x[column] *= scale }
        }
    }
}
