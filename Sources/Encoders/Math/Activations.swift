import CKernels
import Foundation

/// The elementwise and row-wise steps of the forward pass. On CPUs with AVX2 or AVX-512, GELU
/// and softmax run in `CKernels` (Swift's SIMD code is compiled for SSE there: four lanes, no
/// FMA); elsewhere in the portable `SIMD8<Float>` code below. As scalar loops (libm's `erff`
/// and `expf` in particular) they took a quarter of MiniLM's forward pass.
package enum Activations {
    package typealias Vector = SIMD8<Float>

    /// GELU in place: the exact `x·Φ(x)` with erf, or the tanh approximation. The two differ by
    /// up to 4e-4 in all-MiniLM-L6-v2's embeddings, so the configuration decides.
    package static func gelu(
        _ values: UnsafeMutablePointer<Float>, count: Int, _ activation: EncoderConfiguration.Activation,
        path: KernelPath = .current
    ) {
        switch (activation, path) {
        case (.gelu, .avx512): magpie_gelu_erf_avx512(values, count)
        case (.gelu, .avx2): magpie_gelu_erf_avx2(values, count)
        case (.gelu, .portable): portableGelu(values, count: count)
        case (.geluTanh, _):
            forEachVector(values, count: count) { x in
                var result = Vector()
                for lane in 0..<Vector.scalarCount {
                    let value = x[lane]
                    result[lane] = 0.5 * value * (1 + tanhf(0.797_884_6 * (value + 0.044_715 * value * value * value)))
                }
                return result
            }
        }
    }

    /// The exact GELU in Swift's SIMD, for CPUs without the kernel.
    package static func portableGelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        forEachVector(values, count: count) { x in 0.5 * x * (1 + erf(x * 0.707_106_77)) }
    }

    /// Replaces every element of `values` with `transform` of it, eight at a time; the last,
    /// partial vector is padded with zeros.
    @inline(__always)
    package static func forEachVector(_ values: UnsafeMutablePointer<Float>, count: Int, _ transform: (Vector) -> Vector) {
        var index = 0
        while index + Vector.scalarCount <= count {
            let address = UnsafeMutableRawPointer(values + index)
            address.storeBytes(of: transform(address.loadUnaligned(as: Vector.self)), as: Vector.self)
            index += Vector.scalarCount
        }
        if index < count {
            var tail = Vector()
            for lane in 0..<(count - index) { tail[lane] = values[index + lane] }
            let result = transform(tail)
            for lane in 0..<(count - index) { values[index + lane] = result[lane] }
        }
    }

    /// The error function as a rational function of `x` clamped to [-4, 4] (the approximation
    /// Eigen and XLA use for float32), within 5e-7 of the exact value everywhere.
    @inline(__always)
    package static func erf(_ input: Vector) -> Vector {
        var x = input
        x.replace(with: 4, where: x .> 4)
        x.replace(with: -4, where: x .< -4)
        let x2 = x * x
        var p = Vector(repeating: -2.726_142_3e-10)
        p = p * x2 + 2.770_681_4e-08
        p = p * x2 - 2.101_024e-06
        p = p * x2 - 5.692_506_4e-05
        p = p * x2 - 7.349_906_3e-04
        p = p * x2 - 2.954_6e-03
        p = p * x2 - 1.609_603_3e-02
        var q = Vector(repeating: -1.456_607_2e-05)
        q = q * x2 - 2.133_740_6e-04
        q = q * x2 - 1.682_827e-03
        q = q * x2 - 7.373_329_2e-03
        q = q * x2 - 1.426_473_9e-02
        return x * p / q
    }

    /// `e^x` by Cephes' method: `x = n·ln 2 + r`, a degree-6 polynomial for `e^r`, `2^n` put
    /// into the exponent bits. Within 2 ulp for the inputs softmax gives it (at most 0); below
    /// -87 the result is that of -87. Rounding to `n` and reading it as an integer both go
    /// through the float's bits (adding 1.5·2²³), because the generic SIMD conversions are
    /// not inlined and cost more than the rest.
    @inline(__always)
    package static func exp(_ input: Vector) -> Vector {
        var x = input
        x.replace(with: 88, where: x .> 88)
        x.replace(with: -87, where: x .< -87)
        let magic = Vector(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r * r + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return y * unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
    }

    /// Softmax of each row of `rows × columns`, in place, stable against large scores.
    package static func softmaxRows(
        _ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, path: KernelPath = .current
    ) {
        switch path {
        case .avx512: magpie_softmax_rows_avx512(values, rows, columns)
        case .avx2: magpie_softmax_rows_avx2(values, rows, columns)
        case .portable: portableSoftmaxRows(values, rows: rows, columns: columns)
        }
    }

    /// Softmax in Swift's SIMD, for CPUs without the kernel.
    package static func portableSoftmaxRows(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for row in 0..<rows {
            let x = values + row * columns
            var maximum = -Float.infinity
            for column in 0..<columns { maximum = max(maximum, x[column]) }
            let shift = Vector(repeating: maximum)
            forEachVector(x, count: columns) { exp($0 - shift) }
            var sum: Float = 0
            for column in 0..<columns { sum += x[column] }
            let scale = 1 / sum
            for column in 0..<columns { x[column] *= scale }
        }
    }
}
