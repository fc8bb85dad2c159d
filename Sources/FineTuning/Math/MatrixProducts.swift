import COpenBLAS

/// Row-major products through OpenBLAS, named by what the backward pass needs of them.
enum MatrixProducts {
    /// `c[m×n] = alpha·op(a)·op(b) + beta·c`, where `op` transposes when asked. Leading
    /// dimensions default to packed rows; attention passes the hidden size to walk one head.
    static func gemm(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda ?? (transposeA ? m : k)), b,
            Int32(ldb ?? (transposeB ? k : n)), beta, c, Int32(ldc ?? n))
    }

    /// `y[rows×out] = x·Wᵀ + b`.
    static func denseForward(
        _ x: UnsafePointer<Float>, rows: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        inputs: Int, outputs: Int, into y: UnsafeMutablePointer<Float>
    ) {
        for row in 0..<rows { (y + row * outputs).update(from: bias, count: outputs) }
        gemm(x, weight, into: y, m: rows, n: outputs, k: inputs, transposeB: true, beta: 1)
    }

    /// Adds `dyᵀ·x` to the weight's gradient and the column sums of `dy` to the bias's; writes
    /// (or, with `accumulate`, adds) `dy·W` to `dx` when asked for.
    static func denseBackward(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, weight: UnsafePointer<Float>,
        inputs: Int, outputs: Int, weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false
    ) {
        gemm(dy, x, into: weightGradient, m: outputs, n: inputs, k: rows, transposeA: true, beta: 1)
        for row in 0..<rows {
            let line = dy + row * outputs
            for column in 0..<outputs { biasGradient[column] += line[column] }
        }
        if let dx {
            gemm(dy, weight, into: dx, m: rows, n: inputs, k: outputs, beta: accumulate ? 1 : 0)
        }
    }
}
