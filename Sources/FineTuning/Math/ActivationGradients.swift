import Encoders
import Foundation

/// The derivatives of the feed-forward activations, for the exact and the tanh GELU.
enum ActivationGradients {
    /// `gradient[i] *= gelu'(preActivation[i])`.
    static func gelu(
        _ gradient: UnsafeMutablePointer<Float>, preActivation: UnsafePointer<Float>, count: Int,
        _ activation: EncoderConfiguration.Activation
    ) {
        switch activation {
        case .gelu:
            let inverseRootTwo: Float = 0.707_106_77
            let inverseRootTwoPi: Float = 0.398_942_3
            for index in 0..<count {
                let x = preActivation[index]
                let cumulative = 0.5 * (1 + Foundation.erf(x * inverseRootTwo))
                gradient[index] *= cumulative + x * inverseRootTwoPi * Foundation.exp(-0.5 * x * x)
            }
        case .geluTanh:
            let root: Float = 0.797_884_6
            for index in 0..<count {
                let x = preActivation[index]
                let inner = root * (x + 0.044_715 * x * x * x)
                let t = tanhf(inner)
                let derivative = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * root * (1 + 3 * 0.044_715 * x * x)
                gradient[index] *= derivative
            }
        }
    }
}
