/// Partitions that keep each class's share the same in every part, which matters when one class
/// is rare: an unstratified 20% split of the bundled data could hold noticeably more or fewer
/// than its share of the 1,287 hate-speech tweets.
public enum StratifiedSplit {
    /// Indices of a hold-out split: about `fraction` of each class (at least one example of a
    /// class with two or more) goes to `test`.
    public static func holdout(labels: [Int], classCount: Int, fraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var generator = SeededGenerator(seed: seed)
        var train: [Int] = []
        var test: [Int] = []
        for members in shuffledMembers(labels: labels, classCount: classCount, generator: &generator) {
            var testCount = Int((Double(members.count) * fraction).rounded())
            if members.count >= 2 { testCount = min(max(testCount, 1), members.count - 1) }
            test.append(contentsOf: members.prefix(testCount))
            train.append(contentsOf: members.dropFirst(testCount))
        }
        return (train.sorted(), test.sorted())
    }

    /// The fold of every example for stratified k-fold: each class's examples are dealt out
    /// round-robin in shuffled order, so fold sizes per class differ by at most one.
    public static func folds(labels: [Int], classCount: Int, foldCount: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        var assignment = [Int](repeating: 0, count: labels.count)
        var next = 0
        for members in shuffledMembers(labels: labels, classCount: classCount, generator: &generator) {
            for member in members {
                assignment[member] = next % foldCount
                next += 1
            }
        }
        return assignment
    }

    private static func shuffledMembers(labels: [Int], classCount: Int, generator: inout SeededGenerator) -> [[Int]] {
        var members = [[Int]](repeating: [], count: classCount)
        for (index, label) in labels.enumerated() { members[label].append(index) }
        return members.map { $0.shuffled(using: &generator) }
    }
}
