/// Hidden states of a batch of sequences packed row after row with no padding: the forward
/// pass never computes a padded position, so its cost follows the real token count.
public struct HiddenStates: Sendable {
    public let hiddenSize: Int
    /// Tokens of each sequence, in order.
    public let lengths: [Int]
    /// `Σ lengths × hiddenSize` floats, row-major.
    public let values: [Float]

    /// The first row of each sequence.
    public var rowOffsets: [Int] {
        var offsets: [Int] = []
        var row = 0
        for length in lengths {
            offsets.append(row)
            row += length
        }
        return offsets
    }

    /// The `length × hiddenSize` states of sequence `index`.
    public func sequence(_ index: Int) -> ArraySlice<Float> {
        let start = lengths[..<index].reduce(0, +) * hiddenSize
        return values[start..<(start + lengths[index] * hiddenSize)]
    }
}
