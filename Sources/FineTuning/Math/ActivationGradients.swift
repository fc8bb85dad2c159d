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
            // Φ(x) + x·φ(x), eight at a time with the forward pass's erf and exp: libm's scalar
            // erff was a twentieth of a training step.
            typealias Vector = Activations.Vector
            var index = 0
            while index + Vector.scalarCount <= count {
                let x = UnsafeRawPointer(preActivation + index).loadUnaligned(as: Vector.self)
                let address = UnsafeMutableRawPointer(gradient + index)
                let cumulative = 0.5 * (1 + Activations.erf(x * 0.707_106_77))
                let derivative = cumulative + x * 0.398_942_3 * Activations.exp(-0.5 * x * x)
                address.storeBytes(of: address.loadUnaligned(as: Vector.self) * derivative, as: Vector.self)
                index += Vector.scalarCount
            }
            for index in index..<count {
                let x = preActivation[index]
                let cumulative = 0.5 * (1 + Foundation.erf(x * 0.707_106_77))
                gradient[index] *= cumulative + x * 0.398_942_3 * Foundation.exp(-0.5 * x * x)
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
