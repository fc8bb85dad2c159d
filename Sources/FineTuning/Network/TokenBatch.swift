/// Sequences laid end to end, one row per token, with no padding: each sequence attends only
/// to its own rows, which is what a padding mask does in a padded batch.
struct TokenBatch {
    let sequences: [[Int32]]
    let lengths: [Int]
    let firstRows: [Int]
    let rows: Int

    init(_ sequences: [[Int32]]) {
        self.sequences = sequences
        lengths = sequences.map(\.count)
        var firstRows: [Int] = []
        var row = 0
        for length in lengths {
            firstRows.append(row)
            row += length
        }
        self.firstRows = firstRows
        rows = row
    }

    var longest: Int { lengths.max() ?? 0 }
    var count: Int { sequences.count }

    /// Calls `body` for each token with its row and its rows of the word and position
    /// embedding tables (values in the forward pass, gradients in the backward pass).
    func forEachToken(
        words: UnsafeMutablePointer<Float>, positions: UnsafeMutablePointer<Float>, size: Int,
        _ body: (_ row: Int, _ word: UnsafeMutablePointer<Float>, _ position: UnsafeMutablePointer<Float>) -> Void
    ) {
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                body(row, words + Int(id) * size, positions + position * size)
                row += 1
            }
        }
    }
}
