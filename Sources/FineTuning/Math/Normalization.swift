/// Layer normalization with what its backward pass needs kept: the normalized rows and each
/// row's reciprocal standard deviation (PyTorch's biased variance).
enum Normalization {
    /// Normalizes `x` in place into `y = x̂·gain + bias`, storing `x̂` and `1/σ`.
    static func forward(
        _ x: UnsafeMutablePointer<Float>, rows: Int, size: Int, gain: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        epsilon: Float, normalized: UnsafeMutablePointer<Float>, inverseDeviations: UnsafeMutablePointer<Float>
    ) {
        for row in 0..<rows {
            let values = x + row * size
            let hat = normalized + row * size
            var sum: Float = 0
            for index in 0..<size { sum += values[index] }
            let mean = sum / Float(size)
            var squares: Float = 0
            for index in 0..<size {
                let centered = values[index] - mean
                squares += centered * centered
            }
            let inverse = 1 / (squares / Float(size) + epsilon).squareRoot()
            inverseDeviations[row] = inverse
            for index in 0..<size {
                hat[index] = (values[index] - mean) * inverse
                values[index] = hat[index] * gain[index] + bias[index]
            }
        }
    }

    /// From `dy`, adds the gain's and bias's gradients (when kept) and writes `dx` in place of `dy`:
    /// `dx = (1/σ)·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))` with `dx̂ = dy·gain`.
    static func backward(
        _ dy: UnsafeMutablePointer<Float>, rows: Int, size: Int, gain: UnsafePointer<Float>,
        normalized: UnsafePointer<Float>, inverseDeviations: UnsafePointer<Float>,
        gainGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        for row in 0..<rows {
            let gradient = dy + row * size
            let hat = normalized + row * size
            var meanGradient: Float = 0
            var meanProduct: Float = 0
            if let gainGradient, let biasGradient {
                for index in 0..<size {
                    gainGradient[index] += gradient[index] * hat[index]
                    biasGradient[index] += gradient[index]
                }
            }
            for index in 0..<size {
                let scaled = gradient[index] * gain[index]
                meanGradient += scaled
                meanProduct += scaled * hat[index]
            }
            meanGradient /= Float(size)
            meanProduct /= Float(size)
            let inverse = inverseDeviations[row]
            for index in 0..<size {
                gradient[index] = inverse * (gradient[index] * gain[index] - meanGradient - hat[index] * meanProduct)
            }
        }
    }
}
