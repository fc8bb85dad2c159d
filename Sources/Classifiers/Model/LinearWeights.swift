import Foundation
import TextFeatures

/// Per-class scores as a linear function of the feature vector: `score[c] = bias[c] +
/// Σ x[j] · weights[j * classCount + c]`.
///
/// Logistic regression, multinomial naive Bayes and `natural`'s naive Bayes all score this
/// way (naive Bayes in log space), so one prediction path and one artifact format serve all
/// of them. Weights are feature-major so one feature's class weights are adjacent in memory.
public struct LinearWeights: Sendable, Equatable {
    public let classCount: Int
    public var weights: [Float]
    public var bias: [Float]

    public init(classCount: Int, weights: [Float], bias: [Float]) {
        precondition(bias.count == classCount && weights.count % classCount == 0)
        self.classCount = classCount
        self.weights = weights
        self.bias = bias
    }

    public var featureCount: Int { weights.count / classCount }

    /// Adds the scores of `vector` to `scores`, which starts as the bias.
    @inline(__always)
    public func scores(of vector: SparseVector, into scores: inout [Float]) {
        scores.removeAll(keepingCapacity: true)
        scores.append(contentsOf: bias)
        weights.withUnsafeBufferPointer { weights in
            scores.withUnsafeMutableBufferPointer { scores in
                for position in vector.indices.indices {
                    let base = Int(vector.indices[position]) &* classCount
                    let value = vector.values[position]
                    for label in 0..<classCount { scores[label] += value * weights[base + label] }
                }
            }
        }
    }
}

extension Array where Element == Float {
    /// Softmax in place, shifted by the maximum so large naive Bayes log scores stay finite.
    public mutating func applySoftmax() {
        guard let largest = self.max() else { return }
        var total: Float = 0
        for index in indices {
            self[index] = expf(self[index] - largest)
            total += self[index]
        }
        for index in indices { self[index] /= total }
    }
}
