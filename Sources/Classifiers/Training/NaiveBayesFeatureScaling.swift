import Foundation

/// Per-feature scales from naive Bayes log-count ratios (Wang & Manning 2012, "NBSVM"): a
/// feature's scale is the largest, over classes, of `|ln((p_c / ‖p_c‖₁) / (q_c / ‖q_c‖₁))|`,
/// where `p_c` counts the documents of class `c` containing it and `q_c` those of the other
/// classes, both plus `alpha`.
///
/// Scaling the inputs this way lets the L2 penalty favour words that separate the classes
/// (slurs over function words); on the hate-speech data it raises macro F1 over plain TF-IDF.
enum NaiveBayesFeatureScaling {
    static func scales(matrix: SparseMatrix, labels: [Int], classCount: Int, alpha: Double = 1) -> [Float] {
        let featureCount = matrix.columnCount
        var presence = [Double](repeating: 0, count: featureCount * classCount)
        for row in 0..<matrix.rowCount {
            let label = labels[row]
            for position in matrix.rowStarts[row]..<matrix.rowStarts[row + 1] {
                presence[Int(matrix.columns[position]) * classCount + label] += 1
            }
        }
        var classTotals = [Double](repeating: 0, count: classCount)
        var allTotal = 0.0
        for feature in 0..<featureCount {
            for label in 0..<classCount {
                classTotals[label] += presence[feature * classCount + label] + alpha
            }
        }
        for label in 0..<classCount { allTotal += classTotals[label] }
        var scales = [Float](repeating: 0, count: featureCount)
        for feature in 0..<featureCount {
            var featureTotal = 0.0
            for label in 0..<classCount { featureTotal += presence[feature * classCount + label] }
            var largest = 0.0
            for label in 0..<classCount {
                let inClass = presence[feature * classCount + label] + alpha
                let outOfClass = featureTotal - presence[feature * classCount + label] + alpha * Double(classCount - 1)
                let ratio = log((inClass / classTotals[label]) / (outOfClass / (allTotal - classTotals[label])))
                largest = max(largest, abs(ratio))
            }
            scales[feature] = Float(largest)
        }
        return scales
    }
}
