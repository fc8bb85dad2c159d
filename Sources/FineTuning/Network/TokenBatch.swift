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
}
