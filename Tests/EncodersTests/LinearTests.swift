import Encoders
import Testing

/// Dense layers against a double-precision reference, at the shapes where the code paths
/// meet: the prepacked kernels' row blocks (8 for AVX-512, 6 for AVX2) and panels of 32 (with
/// their tails, and AVX2's half-panels of 16), OpenBLAS's banded small products and its large
/// ones, on one and two threads, on every kernel path this CPU runs.
@Suite struct LinearTests {
    func reference(_ input: [Float], rows: Int, weight: [Float], bias: [Float], inputs: Int, outputs: Int) -> [Double] {
        var result = [Double](repeating: 0, count: rows * outputs)
        for row in 0..<rows {
            for output in 0..<outputs {
                var sum = Double(bias[output])
                for k in 0..<inputs { sum += Double(input[row * inputs + k]) * Double(weight[output * inputs + k]) }
                result[row * outputs + output] = sum
            }
        }
        return result
    }

    @Test(arguments: [
        (1, 3, 7), (3, 29, 11), (6, 16, 5), (12, 8, 9), (5, 50, 20), (7, 37, 64), (9, 384, 384), (17, 48, 96), (64, 33, 160),
        (130, 70, 50),
    ])
    func matchesTheReference(rows: Int, outputs: Int, inputs: Int) {
        var generator = SystemRandomNumberGenerator()
        let weights = (0..<(outputs * inputs)).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &generator) }
        let input = (0..<(rows * inputs)).map { _ in Float.random(in: -1...1, using: &generator) }
        let linear = Linear(
            weight: Tensor(shape: [outputs, inputs], values: weights), bias: Tensor(shape: [outputs], values: bias))
        let expected = reference(input, rows: rows, weight: weights, bias: bias, inputs: inputs, outputs: outputs)
        for path in KernelPath.runnable {
            for threads in [1, 2] {
                var output = [Float](repeating: .nan, count: rows * outputs)
                input.withUnsafeBufferPointer { input in
                    output.withUnsafeMutableBufferPointer { output in
                        linear.apply(input.baseAddress!, rows: rows, into: output.baseAddress!, threads: threads, path: path)
                    }
                }
                let worst = zip(output, expected).map { abs(Double($0) - $1) }.max() ?? .nan
                #expect(
                    worst < 1e-4 * Double(inputs).squareRoot(), "\(path), threads \(threads): worst difference \(worst)")
            }
        }
    }
}
