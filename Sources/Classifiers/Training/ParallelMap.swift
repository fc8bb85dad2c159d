import Foundation

/// Maps a collection on all cores in contiguous chunks, keeping element order: the result is
/// the same as a sequential `map`.
enum ParallelMap {
    static func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element],
        transform: @Sendable (Element) -> Result
    ) -> [Result] {
        let chunkCount = max(1, min(elements.count / 256, ProcessInfo.processInfo.activeProcessorCount * 4))
        guard chunkCount > 1 else { return elements.map(transform) }
        let results = ChunkResults<Result>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let start = elements.count * chunk / chunkCount
            let end = elements.count * (chunk + 1) / chunkCount
            results.store(elements[start..<end].map(transform), at: chunk)
        }
        return results.joined()
    }

    /// As `map`, with a per-chunk state made by `makeState` (e.g. a featurizer and its buffers).
    static func map<Element: Sendable, State, Result: Sendable>(
        _ elements: [Element],
        makeState: @Sendable () -> State,
        transform: @Sendable (inout State, Element) -> Result
    ) -> [Result] {
        let chunkCount = max(1, min(elements.count / 256, ProcessInfo.processInfo.activeProcessorCount * 4))
        let results = ChunkResults<Result>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let start = elements.count * chunk / chunkCount
            let end = elements.count * (chunk + 1) / chunkCount
            var state = makeState()
            results.store(elements[start..<end].map { transform(&state, $0) }, at: chunk)
        }
        return results.joined()
    }
}

/// Per-chunk result slots, each written by exactly one task.
private final class ChunkResults<Result>: @unchecked Sendable {
    private var slots: [[Result]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func store(_ values: [Result], at index: Int) {
        lock.withLock { slots[index] = values }
    }

    func joined() -> [Result] { slots.flatMap { $0 } }
}
