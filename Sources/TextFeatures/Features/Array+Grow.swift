extension Array {
    /// Makes the array at least `count` long, padding with `element`. Scratch buffers are
    /// filled through pointers and then truncated with `removeLast`, which keeps capacity, so
    /// after the first texts this never allocates.
    @inline(__always)
    mutating func grow(to count: Int, with element: Element) {
        if self.count < count { append(contentsOf: repeatElement(element, count: count - self.count)) }
    }
}
