/// Immutable float storage behind a tensor: either memory-mapped file pages (F32 weights are
/// used where they lie, so loading reads no more than the forward pass touches) or an owned
/// allocation (weights converted from F16 or BF16, or copied because they were misaligned).
final class TensorStorage: @unchecked Sendable {
    let base: UnsafePointer<Float>
    private let owner: AnyObject?
    private let owned: UnsafeMutablePointer<Float>?

    /// Floats inside a mapping that `owner` keeps alive.
    init(mapped base: UnsafePointer<Float>, owner: AnyObject) {
        self.base = base
        self.owner = owner
        self.owned = nil
    }

    /// A fresh allocation of `count` floats, filled by `initialize`.
    init(count: Int, initialize: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        initialize(UnsafeMutableBufferPointer(start: pointer, count: count))
        self.base = UnsafePointer(pointer)
        self.owner = nil
        self.owned = pointer
    }

    deinit { owned?.deallocate() }
}

/// A float32 tensor of weights, row-major. Plain values with no framework around them, so a
/// later training loop can read and replace them.
public struct Tensor: Sendable {
    public let shape: [Int]
    let storage: TensorStorage

    public var count: Int { shape.reduce(1, *) }
    var pointer: UnsafePointer<Float> { storage.base }

    /// A copy of the values, for tests and inspection.
    public var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.storage = TensorStorage(count: values.count) { buffer in _ = buffer.initialize(from: values) }
    }
}
