/// The one way an ensemble combines its members, used both to choose the weights and to
/// serve: each class's probability is the weighted mean of the members' probabilities for it.
public enum ProbabilityAverage {
    /// `members[m]` is member m's probabilities, in the ensemble's label order; `weights` sum
    /// to 1, so the result is a distribution too.
    public static func combine(_ members: [[Float]], weights: [Double]) -> [Float] {
        precondition(members.count == weights.count && !members.isEmpty)
        var combined = [Float](repeating: 0, count: members[0].count)
        for (probabilities, weight) in zip(members, weights) {
            for index in combined.indices { combined[index] += Float(weight) * probabilities[index] }
        }
        return combined
    }
}
