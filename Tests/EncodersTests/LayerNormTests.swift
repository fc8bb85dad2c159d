import Classifiers
import Encoders
import Testing

/// LayerNorm on every kernel path this CPU runs against a double-precision reference, at
/// sizes with and without a partial vector, on rows whose mean is far from zero (where a
/// one-pass variance would lose its digits).
@Suite struct LayerNormTests {
    @Test(arguments: KernelPath.runnable, [1, 8, 13, 384])
    func matchesDoublePrecision(path: KernelPath, size: Int) {
        var generator = SeededGenerator(seed: UInt64(size))
        let rows = 3
        let input = (0..<rows * size).map { _ in Float.random(in: 90...110, using: &generator) }
        let gain = (0..<size).map { _ in Float.random(in: 0.5...1.5, using: &generator) }
        let bias = (0..<size).map { _ in Float.random(in: -1...1, using: &generator) }
        let norm = LayerNorm(
            gain: Tensor(shape: [size], values: gain), bias: Tensor(shape: [size], values: bias), epsilon: 1e-12)
        var values = input
        values.withUnsafeMutableBufferPointer { norm.apply($0.baseAddress!, rows: rows, path: path) }
        for row in 0..<rows {
            let x: [Double] = input[row * size..<(row + 1) * size].map(Double.init)
            let mean: Double = x.reduce(0, +) / Double(size)
            let variance: Double = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(size)
            let deviation: Double = (variance + 1e-12).squareRoot()
            for index in 0..<size {
                // A row of one element is its own mean: LayerNorm leaves only the bias.
                let normal: Double = size == 1 ? 0 : (x[index] - mean) / deviation
                let expected: Double = normal * Double(gain[index]) + Double(bias[index])
                let actual = Double(values[row * size + index])
                #expect(abs(actual - expected) < 1e-4, "\(path), size \(size), index \(index)")
            }
        }
    }
}
