import Encoders

/// Scales all gradients together so their global L2 norm is at most `maxNorm`, as
/// `torch.nn.utils.clip_grad_norm_` does (coefficient `maxNorm / (norm + 1e-6)`).
public enum GradientClipping {
    /// Returns the norm before clipping. Each of `threads` workers sums its share of the
    /// squares, so the norm depends on the thread count in its last bits only.
    @discardableResult
    public static func clip(_ parameters: ParameterSet, maxNorm: Float, threads: Int = 1) -> Float {
        let gradients = parameters.gradients
        let workers = max(1, min(threads, parameters.count))
        var partial = [Double](repeating: 0, count: workers)
        partial.withUnsafeMutableBufferPointer { partial in
            Parallel.forEach(workers, threads: workers) { worker, _ in
                var squares: Double = 0
                for index in (worker * parameters.count / workers)..<((worker + 1) * parameters.count / workers) {
                    let gradient = Double(gradients[index])
                    squares += gradient * gradient
                }
                partial[worker] = squares
            }
        }
        let norm = Float(partial.reduce(0, +).squareRoot())
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            parameters.forEachBand(threads: threads) { _, range in
                for index in range { gradients[index] *= coefficient }
            }
        }
        return norm
    }
}
