import Foundation

/// Naive Bayes in its two forms, both fitted by counting and both expressed as linear weights
/// over the feature vector (log probabilities), so they predict through the same code as
/// logistic regression.
enum NaiveBayesTrainer {
    /// Multinomial naive Bayes over term counts with additive (Lidstone) smoothing `alpha`:
    /// `score[c] = ln P(c) + Σ count[j] · ln P(j | c)`.
    static func multinomial(matrix: SparseMatrix, labels: [Int], classCount: Int, alpha: Double) -> LinearWeights {
        let featureCount = matrix.columnCount
        var featureTotals = [Double](repeating: 0, count: featureCount * classCount)
        var classTotals = [Double](repeating: 0, count: classCount)
        var documentCounts = [Double](repeating: 0, count: classCount)
        for row in 0..<matrix.rowCount {
            let label = labels[row]
            documentCounts[label] += 1
            for position in matrix.rowStarts[row]..<matrix.rowStarts[row + 1] {
                let value = Double(matrix.values[position])
                featureTotals[Int(matrix.columns[position]) * classCount + label] += value
                classTotals[label] += value
            }
        }
        var weights = [Float](repeating: 0, count: featureCount * classCount)
        for label in 0..<classCount {
            let denominator = log(classTotals[label] + alpha * Double(featureCount))
            for feature in 0..<featureCount {
                let index = feature * classCount + label
                weights[index] = Float(log(featureTotals[index] + alpha) - denominator)
            }
        }
        let documents = Double(matrix.rowCount)
        let bias = documentCounts.map { Float(log($0 / documents)) }
        return LinearWeights(classCount: classCount, weights: weights, bias: bias)
    }

    /// The Node `natural` `BayesClassifier` (via its `apparatus` dependency), on presence
    /// features: a feature seen in `d` of a class's `n` documents scores `ln((d + 1) / (n + 1))`
    /// when present, and the class prior is `(n + 1) / N`. These are `apparatus`'s counts with
    /// its default smoothing of 1, reproduced exactly rather than corrected.
    static func natural(matrix: SparseMatrix, labels: [Int], classCount: Int) -> LinearWeights {
        let featureCount = matrix.columnCount
        var presence = [Double](repeating: 0, count: featureCount * classCount)
        var documentCounts = [Double](repeating: 0, count: classCount)
        for row in 0..<matrix.rowCount {
            let label = labels[row]
            documentCounts[label] += 1
            for position in matrix.rowStarts[row]..<matrix.rowStarts[row + 1] {
                presence[Int(matrix.columns[position]) * classCount + label] += 1
            }
        }
        var weights = [Float](repeating: 0, count: featureCount * classCount)
        for feature in 0..<featureCount {
            for label in 0..<classCount {
                let index = feature * classCount + label
                weights[index] = Float(log((presence[index] + 1) / (documentCounts[label] + 1)))
            }
        }
        let documents = Double(matrix.rowCount)
        let bias = documentCounts.map { Float(log(($0 + 1) / documents)) }
        return LinearWeights(classCount: classCount, weights: weights, bias: bias)
    }
}
