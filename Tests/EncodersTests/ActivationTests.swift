import Classifiers
import Encoders
import Foundation
import Testing

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

/// GELU and softmax on every kernel path this CPU runs (AVX-512, AVX2, the portable Swift
/// code), against double-precision references.
@Suite struct ActivationKernelTests {
    static let geluInputs = (-60_000...60_000).map { Float($0) / 6_000 }

    static func exactGelu(_ x: Float) -> Double { Double(x) * 0.5 * (1 + Foundation.erf(Double(x) / 2.squareRoot())) }

    func worstGeluError(_ gelu: (UnsafeMutablePointer<Float>, Int) -> Void) -> Double {
        var values = Self.geluInputs
        values.withUnsafeMutableBufferPointer { gelu($0.baseAddress!, $0.count) }
        return zip(Self.geluInputs, values).map { abs(Double($1) - Self.exactGelu($0)) }.max()!
    }

    /// Inputs in [-10, 10], outputs up to 10: float rounding alone is about 5e-7 there.
    @Test(arguments: KernelPath.runnable)
    func geluIsWithinTwoMillionthsOfExact(path: KernelPath) {
        let worst = worstGeluError { Activations.gelu($0, count: $1, .gelu, path: path) }
        #expect(worst < 2e-6 && worst > 0)
    }

    /// Lengths that end in every kind of partial vector leave the values past them untouched.
    @Test(arguments: KernelPath.runnable)
    func geluStopsAtTheCount(path: KernelPath) {
        for count in [1, 7, 8, 9, 15, 17] {
            var values = [Float](repeating: 1, count: count + 20)
            values.withUnsafeMutableBufferPointer { Activations.gelu($0.baseAddress!, count: count, .gelu, path: path) }
            #expect(values[count...].allSatisfy { $0 == 1 }, "\(path), count \(count)")
            #expect(abs(Double(values[0]) - Self.exactGelu(1)) < 2e-6)
        }
    }

    /// Rows whose lengths exercise whole vectors and every kind of tail, with scores far
    /// beyond where an unshifted `exp` overflows.
    @Test(arguments: KernelPath.runnable, [1, 7, 8, 15, 16, 17, 64, 100])
    func softmaxMatchesDoublePrecision(path: KernelPath, columns: Int) {
        var generator = SeededGenerator(seed: UInt64(columns))
        let rows = 3
        let scores = (0..<rows * columns).map { _ in Float.random(in: -200...200, using: &generator) }
        var values = scores
        values.withUnsafeMutableBufferPointer {
            Activations.softmaxRows($0.baseAddress!, rows: rows, columns: columns, path: path)
        }
        for row in 0..<rows {
            let slice = scores[row * columns..<(row + 1) * columns].map(Double.init)
            let maximum = slice.max()!
            let total = slice.map { Foundation.exp($0 - maximum) }.reduce(0, +)
            for column in 0..<columns {
                let expected = Foundation.exp(slice[column] - maximum) / total
                #expect(
                    abs(Double(values[row * columns + column]) - expected) <= 1e-6 * max(expected, 1e-3), "\(path)")
            }
        }
    }
}
