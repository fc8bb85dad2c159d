import Classifiers

/// The batches of one epoch: examples shuffled, then sorted by length within windows of a few
/// dozen batches and cut into batches, whose order is shuffled again. Sequences in a batch then
/// have similar lengths, so attention's cost, which grows with the longest, is spent on real
/// tokens, while every epoch still sees a fresh order. The same seed and epoch give the same
/// batches, which is what makes `--resume` exact.
public enum LengthBatches {
    /// How many batches' worth of examples are sorted together.
    static let windowBatches = 50

    public static func epoch(lengths: [Int], batchSize: Int, seed: UInt64, epoch: Int) -> [[Int]] {
        var generator = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch + 1))
        let shuffled = Array(lengths.indices).shuffled(using: &generator)
        let window = max(batchSize, 1) * windowBatches
        var batches: [[Int]] = []
        for start in stride(from: 0, to: shuffled.count, by: window) {
            let sorted = shuffled[start..<min(start + window, shuffled.count)].sorted { lengths[$0] < lengths[$1] }
            for batchStart in stride(from: 0, to: sorted.count, by: max(batchSize, 1)) {
                batches.append(Array(sorted[batchStart..<min(batchStart + max(batchSize, 1), sorted.count)]))
            }
        }
        return batches.shuffled(using: &generator)
    }
}
