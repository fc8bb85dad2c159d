/// The scratch matrices of one forward pass, allocated for its batch and freed after it, so a
/// forward pass shares no state with another running at the same time.
final class Workspace {
    let hidden: UnsafeMutablePointer<Float>
    /// Each row's query, key and value side by side (`3 × hidden` floats a row).
    let queryKeyValue: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let attention: UnsafeMutablePointer<Float>
    let intermediate: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    private let all: [UnsafeMutablePointer<Float>]

    /// `scores` holds one attention score matrix per thread.
    init(rows: Int, hiddenSize: Int, intermediateSize: Int, longestSequence: Int, threads: Int) {
        func matrix(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            return pointer
        }
        let states = rows * hiddenSize
        hidden = matrix(states)
        queryKeyValue = matrix(3 * states)
        context = matrix(states)
        attention = matrix(states)
        intermediate = matrix(rows * intermediateSize)
        scores = matrix(longestSequence * longestSequence * max(threads, 1))
        all = [hidden, queryKeyValue, context, attention, intermediate, scores]
    }

    deinit { for pointer in all { pointer.deallocate() } }
}
