import Foundation
import Testing

@testable import Encoders

@Suite struct ActivationTests {
    /// Every point of a grid, through the vectorized function, eight lanes at a time.
    func worstError(
        of function: (SIMD8<Float>) -> SIMD8<Float>, against reference: (Double) -> Double, from: Int, to: Int, scale: Float
    )
        -> Double
    {
        var worst: Double = 0
        var lanes = SIMD8<Float>()
        var filled = 0
        func flush() {
            let result = function(lanes)
            for lane in 0..<filled { worst = max(worst, abs(Double(result[lane]) - reference(Double(lanes[lane])))) }
            filled = 0
        }
        for step in from...to {
            lanes[filled] = Float(step) / scale
            filled += 1
            if filled == 8 { flush() }
        }
        flush()
        return worst
    }

    /// 240,001 points covering where GELU's inputs lie and beyond the clamp.
    @Test func erfIsWithinHalfAMillionthEverywhere() {
        let worst = worstError(of: Activations.erf, against: Foundation.erf, from: -120_000, to: 120_000, scale: 20_000)
        #expect(worst < 5e-7)
        #expect(worst > 0)
    }

    /// Softmax's inputs, -87...0, where the result must be within 2 ulp of `exp`.
    @Test func expIsWithinTwoUlpWhereSoftmaxUsesIt() {
        var worstRelative: Double = 0
        for step in -87_000...0 {
            let x = Float(step) / 1_000
            let value = Double(Activations.exp(SIMD8(repeating: x))[0])
            let exact = Foundation.exp(Double(x))
            worstRelative = max(worstRelative, abs(value - exact) / exact)
        }
        #expect(worstRelative < 2.5 * Double(Float.ulpOfOne))
    }
}
