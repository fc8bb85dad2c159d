import Encoders
import Testing

/// Int8 dense layers (`magpie quantize`'s scheme) against the same scheme computed here in
/// integers and doubles, at the shapes where the kernel's paths meet (row blocks of 6, chunks
/// of 120 rows, panels of 16 outputs and their tails, odd input widths), on one and two
/// threads, on every kernel path this CPU runs; and against the float layer, within what
/// 8 bits allow.
@Suite struct QuantizedLinearTests {
    /// Symmetric per row (`scale` = largest magnitude ÷ `levels`), rounded half to even.
    func quantize(_ row: ArraySlice<Float>, levels: Int = 127) -> (values: [Int], scale: Double) {
        let largest = row.reduce(Float(0)) { max($0, abs($1)) }
        guard largest > 0 else { return (row.map { _ in 0 }, 1) }
        let inverse = Float(levels) / largest
        return (row.map { Int(($0 * inverse).rounded(.toNearestOrEven)) }, Double(largest / Float(levels)))
    }

    /// Input levels: a 16-bit lane's, unless the int32 sum of `inputs` products with weights
    /// up to 127 could overflow.
    func inputLevels(_ inputs: Int) -> Int {
        min(32767, Int(Int32.max) / (127 * 2 * ((inputs + 1) / 2)))
    }

    func reference(_ input: [Float], rows: Int, weight: [Float], bias: [Float], inputs: Int, outputs: Int) -> [Double] {
        let weightRows = (0..<outputs).map { quantize(weight[($0 * inputs)..<(($0 + 1) * inputs)]) }
        var result = [Double](repeating: 0, count: rows * outputs)
        for row in 0..<rows {
            let x = quantize(input[(row * inputs)..<((row + 1) * inputs)], levels: inputLevels(inputs))
            for output in 0..<outputs {
                let w = weightRows[output]
                let sum = zip(x.values, w.values).reduce(0) { $0 + $1.0 * $1.1 }
                result[row * outputs + output] = Double(bias[output]) + Double(sum) * x.scale * w.scale
            }
        }
        return result
    }

    func apply(_ linear: Linear, _ input: [Float], rows: Int, threads: Int, path: KernelPath) -> [Float] {
        var output = [Float](repeating: .nan, count: rows * linear.outputSize)
        input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                linear.apply(input.baseAddress!, rows: rows, into: output.baseAddress!, threads: threads, path: path)
            }
        }
        return output
    }

    @Test(arguments: [
        (1, 3, 7), (3, 29, 11), (6, 16, 5), (7, 17, 64), (13, 45, 37), (9, 384, 384), (64, 33, 160), (250, 70, 50),
        (5, 20, 1536), (3, 17, 3072),
    ])
    func matchesTheSchemeComputedInIntegers(rows: Int, outputs: Int, inputs: Int) {
        var generator = SystemRandomNumberGenerator()
        let weights = (0..<(outputs * inputs)).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &generator) }
        var input = (0..<(rows * inputs)).map { _ in Float.random(in: -3...3, using: &generator) }
        for k in 0..<inputs { input[k] = 0 }
        let linear = Linear(
            quantizing: Tensor(shape: [outputs, inputs], values: weights), bias: Tensor(shape: [outputs], values: bias))
        #expect(linear.isQuantized && linear.weight == nil)
        let expected = reference(input, rows: rows, weight: weights, bias: bias, inputs: inputs, outputs: outputs)
        let float = Linear(
            weight: Tensor(shape: [outputs, inputs], values: weights), bias: Tensor(shape: [outputs], values: bias))
        let exact = apply(float, input, rows: rows, threads: 1, path: .portable)
        for path in KernelPath.runnable {
            for threads in [1, 2] {
                let output = apply(linear, input, rows: rows, threads: threads, path: path)
                let worst = zip(output, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? .nan
                #expect(worst < 1e-5, "\(path), threads \(threads): worst difference from the scheme \(worst)")
                // Each product errs by at most half a weight step (the inputs' steps are 250
                // times finer); the errors are independent, so their sum grows as the square
                // root of the inputs.
                let error = zip(output, exact).map { abs($0 - $1) }.max() ?? .nan
                #expect(error < 0.03 * Float(inputs).squareRoot(), "\(path), threads \(threads): \(error) from float")
            }
        }
    }

    /// `vpdpwssd` sums the same 16-bit pairs as `vpmaddwd`, so the VNNI kernel's int32 sums are
    /// the AVX2 kernel's; the floats may differ only in the last rounding of a tail's scaling.
    /// Runs only on a CPU with AVX-512 VNNI (not this project's AMD EPYC).
    @Test(.enabled(if: QuantizedWeights.hasVNNI && KernelPath.widest == .avx512))
    func theVNNIKernelGivesTheAVX2KernelsAnswers() {
        var generator = SystemRandomNumberGenerator()
        for (rows, outputs, inputs) in [(1, 16, 384), (5, 17, 37), (12, 33, 64), (23, 384, 384), (131, 45, 1536)] {
            let weights = (0..<(outputs * inputs)).map { _ in Float.random(in: -1...1, using: &generator) }
            let input = (0..<(rows * inputs)).map { _ in Float.random(in: -3...3, using: &generator) }
            let linear = Linear(
                quantizing: Tensor(shape: [outputs, inputs], values: weights),
                bias: Tensor(shape: [outputs], values: [Float](repeating: 0.5, count: outputs)))
            let avx2 = apply(linear, input, rows: rows, threads: 1, path: .avx2)
            for threads in [1, 2] {
                let vnni = apply(linear, input, rows: rows, threads: threads, path: .avx512)
                let worst = zip(vnni, avx2).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .nan
                #expect(worst <= 1e-6, "\(rows)×\(outputs)×\(inputs), threads \(threads): \(worst)")
            }
        }
    }
}
