import TextFeatures

/// Rows of sparse feature vectors in compressed sparse row form, the layout the training loops
/// stream through.
public struct SparseMatrix: Sendable {
    public private(set) var rowStarts: [Int] = [0]
    public private(set) var columns: [Int32] = []
    public private(set) var values: [Float] = []
    public let columnCount: Int

    public init(columnCount: Int, rows: [SparseVector] = []) {
        self.columnCount = columnCount
        let total = rows.reduce(0) { $0 + $1.nonzeroCount }
        columns.reserveCapacity(total)
        values.reserveCapacity(total)
        rowStarts.reserveCapacity(rows.count + 1)
        for row in rows { append(row) }
    }

    public var rowCount: Int { rowStarts.count - 1 }

    public mutating func append(_ row: SparseVector) {
        columns.append(contentsOf: row.indices)
        values.append(contentsOf: row.values)
        rowStarts.append(columns.count)
    }

    /// The same entries by column (compressed sparse column form): `rowStarts` of the result
    /// index columns and `columns` hold row numbers.
    public func transposed() -> SparseMatrix {
        var counts = [Int](repeating: 0, count: columnCount + 1)
        for column in columns { counts[Int(column) + 1] += 1 }
        for index in 1..<counts.count { counts[index] += counts[index - 1] }
        var next = counts
        var rows = [Int32](repeating: 0, count: columns.count)
        var transposedValues = [Float](repeating: 0, count: values.count)
        for row in 0..<rowCount {
            for position in rowStarts[row]..<rowStarts[row + 1] {
                let column = Int(columns[position])
                rows[next[column]] = Int32(row)
                transposedValues[next[column]] = values[position]
                next[column] += 1
            }
        }
        var result = SparseMatrix(columnCount: rowCount)
        result.rowStarts = counts
        result.columns = rows
        result.values = transposedValues
        return result
    }

    /// Multiplies every value of column `j` by `scales[j]`.
    public mutating func scaleColumns(by scales: [Float]) {
        for position in columns.indices { values[position] *= scales[Int(columns[position])] }
    }
}
