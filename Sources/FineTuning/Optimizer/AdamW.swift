import Foundation

/// Adam with decoupled weight decay (Loshchilov & Hutter), as `torch.optim.AdamW` computes it:
/// `p ← p − lr·λ·p`, then `p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)`. Decay applies only to
/// the parameters marked for it (not biases nor LayerNorm).
public final class AdamW: @unchecked Sendable {
    public struct Settings: Sendable, Equatable {
        public var weightDecay: Float
        public var beta1: Float
        public var beta2: Float
        public var epsilon: Float

        public init(weightDecay: Float = 0.01, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
            self.weightDecay = weightDecay
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
        }
    }

    public let settings: Settings
    public internal(set) var step = 0
    /// The first and second moment estimates, laid out as the parameters are.
    let firstMoments: Buffer
    let secondMoments: Buffer

    public init(parameterCount: Int, settings: Settings = Settings()) {
        self.settings = settings
        firstMoments = Buffer(parameterCount)
        secondMoments = Buffer(parameterCount)
    }

    /// Applies one update from `parameters.gradients` at `learningRate`, spread over `threads`
    /// workers (each entry's update depends on that entry alone).
    public func update(_ parameters: ParameterSet, learningRate: Float, threads: Int = 1) {
        step += 1
        let correction1 = 1 - Foundation.pow(settings.beta1, Float(step))
        let root2 = (1 - Foundation.pow(settings.beta2, Float(step))).squareRoot()
        let stepSize = learningRate / correction1
        let (beta1, beta2, epsilon) = (settings.beta1, settings.beta2, settings.epsilon)
        let (values, gradients) = (parameters.values, parameters.gradients)
        let (first, second) = (firstMoments.pointer, secondMoments.pointer)
        let decayed = 1 - learningRate * settings.weightDecay
        parameters.forEachBand(threads: threads) { parameter, range in
            let decay = parameter.decays ? decayed : 1
            for index in range {
                let gradient = gradients[index]
                values[index] *= decay
                first[index] = beta1 * first[index] + (1 - beta1) * gradient
                second[index] = beta2 * second[index] + (1 - beta2) * gradient * gradient
                values[index] -= stepSize * first[index] / (second[index].squareRoot() / root2 + epsilon)
            }
        }
    }
}
