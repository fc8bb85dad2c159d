import Encoders

extension Parallel {
    /// Calls `body` with contiguous bands of `0..<count`, one per worker, for element-wise
    /// steps; below `minimumCount` elements one thread is faster than waking another.
    static func bands(_ count: Int, threads: Int, minimumCount: Int = 16_384, _ body: (Range<Int>) -> Void) {
        let workers = count < minimumCount ? 1 : max(1, threads)
        forEach(workers, threads: workers) { worker, _ in
            body((worker * count / workers)..<((worker + 1) * count / workers))
        }
    }
}
