import COpenBLAS
import Encoders

/// Row-major products through OpenBLAS, named by what the backward pass needs of them.
///
/// The layers' products split their output rows across `threads` workers (the same spinning
/// workers attention runs on), each calling OpenBLAS on its own thread (see `ComputeThreads`).
enum MatrixProducts {
    /// Fewer output rows than this per worker are not worth a second thread.
    static let minimumRowsPerWorker = 32

    /// `c[m×n] = alpha·op(a)·op(b) + beta·c`, where `op` transposes when asked. Leading
    /// dimensions default to packed rows; attention passes the hidden size to walk one head.
    static func gemm(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil, threads: Int = 1
    ) {
        let lda = lda ?? (transposeA ? m : k)
        let ldb = ldb ?? (transposeB ? k : n)
        let ldc = ldc ?? n
        let workers = max(1, min(threads, m / minimumRowsPerWorker))
        Parallel.forEach(workers, threads: workers) { worker, _ in
            let first = worker * m / workers
            let rows = (worker + 1) * m / workers - first
            // Rows of op(a) are rows of a, or columns of a when it is transposed.
            let band = transposeA ? a + first : a + first * lda
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(rows), Int32(n), Int32(k), alpha, band, Int32(lda), b, Int32(ldb), beta, c + first * ldc, Int32(ldc))
        }
    }

    /// `y[rows×out] = x·Wᵀ + b`.
    static func denseForward(
        _ x: UnsafePointer<Float>, rows: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        inputs: Int, outputs: Int, into y: UnsafeMutablePointer<Float>, threads: Int
    ) {
        for row in 0..<rows { (y + row * outputs).update(from: bias, count: outputs) }
        gemm(x, weight, into: y, m: rows, n: outputs, k: inputs, transposeB: true, beta: 1, threads: threads)
    }

    /// Adds `dyᵀ·x` to the weight's gradient and the column sums of `dy` to the bias's (when
    /// the network keeps gradients); writes (or, with `accumulate`, adds) `dy·W` to `dx` when
    /// asked for.
    static func denseBackward(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, weight: UnsafePointer<Float>,
        inputs: Int, outputs: Int, weightGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?,
        inputGradient dx: UnsafeMutablePointer<Float>?, accumulate: Bool = false, threads: Int
    ) {
        if let weightGradient, let biasGradient {
            gemm(dy, x, into: weightGradient, m: outputs, n: inputs, k: rows, transposeA: true, beta: 1, threads: threads)
            // The column sums of dy, as dyᵀ·1.
            let ones = [Float](repeating: 1, count: rows)
            cblas_sgemv(
                CblasRowMajor, CblasTrans, Int32(rows), Int32(outputs), 1, dy, Int32(outputs), ones, 1, 1, biasGradient, 1)
        }
        if let dx {
            gemm(dy, weight, into: dx, m: rows, n: inputs, k: outputs, beta: accumulate ? 1 : 0, threads: threads)
        }
    }
}
