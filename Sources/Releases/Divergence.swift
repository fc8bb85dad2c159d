import Foundation

/// Distances between label distributions.
public enum Divergence {
    /// The Jensen–Shannon divergence in bits (0 for equal distributions, 1 for disjoint ones)
    /// between two tallies of labels. Symmetric and finite even when one side never predicts a
    /// label the other does, which is exactly the shift to catch.
    public static func jensenShannon(_ first: [String: Int], _ second: [String: Int]) -> Double {
        let firstTotal = Double(first.values.reduce(0, +))
        let secondTotal = Double(second.values.reduce(0, +))
        guard firstTotal > 0, secondTotal > 0 else { return 0 }
        var divergence = 0.0
        for label in Set(first.keys).union(second.keys) {
            let p = Double(first[label] ?? 0) / firstTotal
            let q = Double(second[label] ?? 0) / secondTotal
            let mean = (p + q) / 2
            if p > 0 { divergence += p * log2(p / mean) / 2 }
            if q > 0 { divergence += q * log2(q / mean) / 2 }
        }
        return max(0, min(1, divergence))
    }

    /// Pearson's chi-square test of homogeneity on the 2×k table of the two tallies: whether
    /// two samples of these sizes would differ this much by chance from one distribution.
    /// Returns the statistic and its degrees of freedom (labels seen by either side, minus one).
    public static func chiSquare(_ first: [String: Int], _ second: [String: Int]) -> (statistic: Double, degreesOfFreedom: Int) {
        let firstTotal = Double(first.values.reduce(0, +))
        let secondTotal = Double(second.values.reduce(0, +))
        let labels = Set(first.keys).union(second.keys).filter { (first[$0] ?? 0) + (second[$0] ?? 0) > 0 }
        guard firstTotal > 0, secondTotal > 0, labels.count > 1 else { return (0, 0) }
        var statistic = 0.0
        for label in labels {
            let column = Double((first[label] ?? 0) + (second[label] ?? 0))
            for (observed, total) in [(first[label] ?? 0, firstTotal), (second[label] ?? 0, secondTotal)] {
                let expected = column * total / (firstTotal + secondTotal)
                statistic += (Double(observed) - expected) * (Double(observed) - expected) / expected
            }
        }
        return (statistic, labels.count - 1)
    }

    /// The chi-square value with `degreesOfFreedom` exceeded with the one-sided normal tail
    /// probability of `z` (2.326: 1%), by Wilson and Hilferty's cube-root approximation, which
    /// is within a few percent of the exact quantile from one degree of freedom up.
    public static func chiSquareCriticalValue(degreesOfFreedom: Int, z: Double) -> Double {
        let k = Double(max(degreesOfFreedom, 1))
        let term = 1 - 2 / (9 * k) + z * (2 / (9 * k)).squareRoot()
        return k * term * term * term
    }
}
