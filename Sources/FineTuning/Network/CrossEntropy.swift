import Foundation

/// The classification loss as PyTorch's `CrossEntropyLoss` computes it, optionally weighted
/// per class: `Σ wᵧ·(−log pᵧ) / Σ wᵧ` over the batch.
enum CrossEntropy {
    /// The loss of `logits[batch×classes]`, with its gradient written to `gradient`.
    static func lossAndGradient(
        logits: UnsafePointer<Float>, labels: [Int], classes: Int, weights: [Float]?,
        gradient: UnsafeMutablePointer<Float>
    ) -> Float {
        var total: Double = 0
        var weightSum: Double = 0
        for (example, label) in labels.enumerated() {
            let weight = weights?[label] ?? 1
            weightSum += Double(weight)
            let row = logits + example * classes
            var largest = row[0]
            for column in 1..<classes { largest = max(largest, row[column]) }
            var sum: Float = 0
            for column in 0..<classes { sum += Foundation.exp(row[column] - largest) }
            let logSum = Foundation.log(sum) + largest
            total += Double(weight) * Double(logSum - row[label])
            for column in 0..<classes {
                let probability = Foundation.exp(row[column] - logSum)
                gradient[example * classes + column] = weight * (probability - (column == label ? 1 : 0))
            }
        }
        let scale = Float(1 / weightSum)
        for index in 0..<(labels.count * classes) { gradient[index] *= scale }
        return Float(total / weightSum)
    }
}
