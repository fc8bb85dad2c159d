import Foundation
import TextFeatures

/// Multinomial (softmax) logistic regression with L2 regularization and per-example weights,
/// fitted by L-BFGS.
///
/// The objective is scikit-learn's, `C · Σ wᵢ · cross-entropyᵢ + ½‖W‖²` with the bias
/// unregularized, divided by the example count so the tolerances do not depend on data size.
///
/// Each evaluation walks the matrix by column (see `ColumnPassWorkspace`), so parameters and
/// gradient stream through memory and only the small per-row score table is accessed at
/// random. Work is split into a fixed number of column chunks summed in a fixed order, so the
/// fit is bit-for-bit the same on any machine and any thread schedule.
struct LogisticRegressionTrainer {
    var inverseRegularization: Double
    var maximumIterations: Int
    var tolerance: Double

    /// Chunks per pass: fixed, not the core count, for determinism.
    static let chunkCount = 4

    func fit(
        matrix: SparseMatrix,
        labels: [Int],
        exampleWeights: [Double],
        classCount: Int,
        progress: (_ iteration: Int, _ loss: Double) -> Void
    ) -> (weights: LinearWeights, iterations: Int, evaluations: Int, converged: Bool) {
        let featureCount = matrix.columnCount
        let parameterCount = featureCount * classCount + classCount
        let regularization = 1 / (inverseRegularization * Double(matrix.rowCount))
        let work = ColumnPassWorkspace(
            byColumn: matrix.transposed(), labels: labels, exampleWeights: exampleWeights, classCount: classCount,
            chunkCount: Self.chunkCount)

        let objective = { (parameters: [Double], gradient: inout [Double]) -> Double in
            var loss = work.evaluate(parameters, gradient: &gradient)
            parameters.withUnsafeBufferPointer { parameters in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    for index in 0..<(featureCount * classCount) {
                        loss += 0.5 * regularization * parameters[index] * parameters[index]
                        gradient[index] += regularization * parameters[index]
                    }
                }
            }
            return loss
        }
        var optimizer = LBFGS()
        optimizer.maximumIterations = maximumIterations
        optimizer.gradientTolerance = tolerance
        let start = [Double](repeating: 0, count: parameterCount)
        let result = optimizer.minimize(from: start, objective: objective, progress: progress)
        let weights = result.point[0..<(featureCount * classCount)].map { Float($0) }
        let bias = result.point[(featureCount * classCount)...].map { Float($0) }
        return (
            LinearWeights(classCount: classCount, weights: weights, bias: bias), result.iterations, result.evaluations,
            result.converged
        )
    }
}

/// The buffers of one objective evaluation, in a layout of SIMD4 lanes per feature and per row
/// (class count rounded up to a multiple of 4; unused lanes stay 0).
///
/// Forward pass: for each column `j`, add `x[i][j] · W[j]` to the scores of the rows `i` it
/// touches (each chunk into its own score table). Then per row: softmax, loss and the
/// weighted residual `p - y`. Backward pass: for each column, `G[j] = Σᵢ x[i][j] · residual[i]`,
/// each chunk writing only its own columns.
package final class ColumnPassWorkspace: @unchecked Sendable {
    let byColumn: SparseMatrix
    let labels: [Int]
    let exampleWeights: [Double]
    let classCount: Int
    let lanes: Int
    let rowCount: Int
    let featureCount: Int
    let chunkBounds: [Int]
    let parameters: UnsafeMutableBufferPointer<SIMD4<Float>>
    let gradient: UnsafeMutableBufferPointer<SIMD4<Float>>
    let scores: [UnsafeMutableBufferPointer<SIMD4<Float>>]
    let residuals: UnsafeMutableBufferPointer<SIMD4<Float>>

    package init(byColumn: SparseMatrix, labels: [Int], exampleWeights: [Double], classCount: Int, chunkCount: Int) {
        self.byColumn = byColumn
        self.labels = labels
        self.exampleWeights = exampleWeights
        self.classCount = classCount
        lanes = (classCount + 3) / 4
        rowCount = byColumn.columnCount
        featureCount = byColumn.rowCount
        chunkBounds = Self.balancedBounds(columnStarts: byColumn.rowStarts, chunkCount: chunkCount)
        parameters = .allocate(capacity: (featureCount + 1) * lanes)
        parameters.initialize(repeating: .zero)
        gradient = .allocate(capacity: (featureCount + 1) * lanes)
        gradient.initialize(repeating: .zero)
        scores = (0..<chunkCount).map { _ in
            let buffer = UnsafeMutableBufferPointer<SIMD4<Float>>.allocate(
                capacity: byColumn.columnCount * ((classCount + 3) / 4))
            buffer.initialize(repeating: .zero)
            return buffer
        }
        residuals = .allocate(capacity: rowCount * lanes)
        residuals.initialize(repeating: .zero)
    }

    deinit {
        parameters.deallocate()
        gradient.deallocate()
        for buffer in scores { buffer.deallocate() }
        residuals.deallocate()
    }

    /// Column ranges holding about equal numbers of entries: columns are in descending
    /// frequency, so equal column counts would give the first chunk most of the work.
    static func balancedBounds(columnStarts: [Int], chunkCount: Int) -> [Int] {
        let columnCount = columnStarts.count - 1
        let total = columnStarts[columnCount]
        var bounds = [0]
        var column = 0
        for chunk in 1..<chunkCount {
            let target = total * chunk / chunkCount
            while column < columnCount, columnStarts[column] < target { column += 1 }
            bounds.append(max(column, bounds.last!))
        }
        bounds.append(columnCount)
        return bounds
    }

    /// The data loss at `point` (feature-major weights, then biases); writes its gradient.
    package func evaluate(_ point: [Double], gradient output: inout [Double]) -> Double {
        load(point)
        let chunkCount = chunkBounds.count - 1
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in forward(chunk: chunk) }
        let (loss, biasGradient) = residualsAndLoss()
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in backward(chunk: chunk) }
        store(into: &output, biasGradient: biasGradient)
        return loss
    }

    private func load(_ point: [Double]) {
        let flat = UnsafeMutableRawPointer(parameters.baseAddress!).assumingMemoryBound(to: Float.self)
        let stride = lanes * 4
        point.withUnsafeBufferPointer { point in
            for feature in 0...featureCount {
                for label in 0..<classCount { flat[feature * stride + label] = Float(point[feature * classCount + label]) }
            }
        }
    }

    private func forward(chunk: Int) {
        let table = scores[chunk].baseAddress!
        scores[chunk].update(repeating: .zero)
        let parameters = UnsafePointer(self.parameters.baseAddress!)
        let lanes = self.lanes
        byColumn.rowStarts.withUnsafeBufferPointer { starts in
            byColumn.columns.withUnsafeBufferPointer { rows in
                byColumn.values.withUnsafeBufferPointer { values in
                    for column in chunkBounds[chunk]..<chunkBounds[chunk + 1] {
                        for lane in 0..<lanes {
                            let weight = parameters[column &* lanes &+ lane]
                            for position in starts[column]..<starts[column + 1] {
                                table[Int(rows[position]) &* lanes &+ lane] += values[position] * weight
                            }
                        }
                    }
                }
            }
        }
    }

    /// Softmax per row over the summed chunk scores; returns the weighted mean cross-entropy
    /// and the bias gradient, and fills `residuals`.
    private func residualsAndLoss() -> (Double, [Double]) {
        let stride = lanes * 4
        let biasBase = featureCount * stride
        let parameters = UnsafeRawPointer(self.parameters.baseAddress!).assumingMemoryBound(to: Float.self)
        let flatResiduals = UnsafeMutableRawPointer(residuals.baseAddress!).assumingMemoryBound(to: Float.self)
        let flatScores = scores.map { UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: Float.self) }
        let scale = 1 / Double(rowCount)
        var loss = 0.0
        var biasGradient = [Double](repeating: 0, count: classCount)
        var row = [Double](repeating: 0, count: classCount)
        for index in 0..<rowCount {
            var largest = -Double.infinity
            for label in 0..<classCount {
                var score = Double(parameters[biasBase + label])
                for table in flatScores { score += Double(table[index * stride + label]) }
                row[label] = score
                largest = max(largest, score)
            }
            var total = 0.0
            for label in 0..<classCount {
                row[label] = exp(row[label] - largest)
                total += row[label]
            }
            let truth = labels[index]
            let weight = exampleWeights[index] * scale
            loss += weight * (log(total) - log(row[truth]))
            for label in 0..<classCount {
                let residual = weight * (row[label] / total - (label == truth ? 1 : 0))
                flatResiduals[index * stride + label] = Float(residual)
                biasGradient[label] += residual
            }
        }
        return (loss, biasGradient)
    }

    private func backward(chunk: Int) {
        let residuals = UnsafePointer(self.residuals.baseAddress!)
        let gradient = self.gradient.baseAddress!
        let lanes = self.lanes
        byColumn.rowStarts.withUnsafeBufferPointer { starts in
            byColumn.columns.withUnsafeBufferPointer { rows in
                byColumn.values.withUnsafeBufferPointer { values in
                    for column in chunkBounds[chunk]..<chunkBounds[chunk + 1] {
                        for lane in 0..<lanes {
                            var total = SIMD4<Float>.zero
                            for position in starts[column]..<starts[column + 1] {
                                total += values[position] * residuals[Int(rows[position]) &* lanes &+ lane]
                            }
                            gradient[column &* lanes &+ lane] = total
                        }
                    }
                }
            }
        }
    }

    private func store(into output: inout [Double], biasGradient: [Double]) {
        let stride = lanes * 4
        let flat = UnsafeRawPointer(gradient.baseAddress!).assumingMemoryBound(to: Float.self)
        let classCount = self.classCount
        output.withUnsafeMutableBufferPointer { output in
            for feature in 0..<featureCount {
                for label in 0..<classCount { output[feature * classCount + label] = Double(flat[feature * stride + label]) }
            }
            for label in 0..<classCount { output[featureCount * classCount + label] = biasGradient[label] }
        }
    }
}
