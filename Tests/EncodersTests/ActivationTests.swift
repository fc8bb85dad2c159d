import Foundation
import Testing

@testable import Encoders

@Suite struct ActivationTests {
    /// The vectorizable erf against the double-precision one, on a grid of 240,001 points
    /// covering where GELU's inputs lie and beyond its clamp.
    @Test func erfIsWithinHalfAMillionthEverywhere() {
        var worst: Double = 0
        for step in -120_000...120_000 {
            let x = Float(step) / 20_000
            worst = max(worst, abs(Double(Activations.erf(x)) - Foundation.erf(Double(x))))
        }
        #expect(worst < 5e-7)
        #expect(worst > 0)
    }
}
