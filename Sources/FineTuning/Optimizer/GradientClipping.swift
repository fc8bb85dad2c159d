/// Scales all gradients together so their global L2 norm is at most `maxNorm`, as
/// `torch.nn.utils.clip_grad_norm_` does (coefficient `maxNorm / (norm + 1e-6)`).
public enum GradientClipping {
    /// Returns the norm before clipping.
    @discardableResult
    public static func clip(_ parameters: ParameterSet, maxNorm: Float) -> Float {
        var squares: Double = 0
        for index in 0..<parameters.count {
            let gradient = Double(parameters.gradients[index])
            squares += gradient * gradient
        }
        let norm = Float(squares.squareRoot())
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            for index in 0..<parameters.count { parameters.gradients[index] *= coefficient }
        }
        return norm
    }
}
