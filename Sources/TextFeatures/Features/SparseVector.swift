/// A feature vector as distinct feature indices with their values.
public struct SparseVector: Sendable, Equatable {
    public var indices: [Int32]
    public var values: [Float]

    public init(indices: [Int32] = [], values: [Float] = []) {
        precondition(indices.count == values.count)
        self.indices = indices
        self.values = values
    }

    public var nonzeroCount: Int { indices.count }
}
