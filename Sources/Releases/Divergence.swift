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
}
