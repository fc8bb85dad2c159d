import Foundation

enum Activations {
    /// GELU in place: the exact `x·Φ(x)` with erf, or the tanh approximation. The two differ by
    /// up to 4e-4 in all-MiniLM-L6-v2's embeddings, so the configuration decides.
    static func gelu(_ values: UnsafeMutablePointer<Float>, count: Int, _ activation: EncoderConfiguration.Activation) {
        switch activation {
        case .gelu:
            for index in 0..<count {
                let x = values[index]
                values[index] = 0.5 * x * (1 + erf(x * 0.707_106_77))
            }
        case .geluTanh:
            for index in 0..<count {
                let x = values[index]
                values[index] = 0.5 * x * (1 + tanhf(0.797_884_6 * (x + 0.044_715 * x * x * x)))
            }
        }
    }

    /// The error function as a rational function of `x` clamped to [-4, 4] (the approximation
    /// Eigen and XLA use for float32), within 5e-7 of the exact value everywhere. Unlike libm's
    /// `erff` it inlines and vectorizes: `erff` was 15% of MiniLM's forward pass.
    @inline(__always)
    static func erf(_ input: Float) -> Float {
        let x = min(max(input, -4), 4)
        let x2 = x * x
        var p: Float = -2.726_142_3e-10
        p = p * x2 + 2.770_681_4e-08
        p = p * x2 - 2.101_024e-06
        p = p * x2 - 5.692_506_4e-05
        p = p * x2 - 7.349_906_3e-04
        p = p * x2 - 2.954_6e-03
        p = p * x2 - 1.609_603_3e-02
        var q: Float = -1.456_607_2e-05
        q = q * x2 - 2.133_740_6e-04
        q = q * x2 - 1.682_827e-03
        q = q * x2 - 7.373_329_2e-03
        q = q * x2 - 1.426_473_9e-02
        return x * p / q
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
