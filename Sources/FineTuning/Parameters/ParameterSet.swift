import Encoders

/// Every trainable tensor of a network in one contiguous buffer, with a gradient buffer of the
/// same layout: the optimizer, gradient clipping and checkpoints then work on two flat arrays,
/// and each layer reads its tensors through offsets.
public final class ParameterSet: @unchecked Sendable {
    /// One tensor: its Hugging Face name, shape, place in the buffers, and whether AdamW's
    /// weight decay applies to it (not to biases nor LayerNorm, as in BERT's recipe).
    public struct Parameter: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public let decays: Bool

        public var count: Int { shape.reduce(1, *) }
    }

    public private(set) var parameters: [Parameter] = []
    public let count: Int
    public let values: UnsafeMutablePointer<Float>
    /// Room for every parameter's gradient, or for none when the set is frozen (a network
    /// loaded to explain, whose backward pass stops at the inputs' gradients).
    public let gradients: UnsafeMutablePointer<Float>
    public let keepsGradients: Bool
    private let index: [String: Int]

    /// Lays out `tensors` in order, filled with zeros.
    init(_ tensors: [(name: String, shape: [Int], decays: Bool)], keepsGradients: Bool = true) {
        var offset = 0
        var index: [String: Int] = [:]
        for tensor in tensors {
            index[tensor.name] = parameters.count
            parameters.append(Parameter(name: tensor.name, shape: tensor.shape, offset: offset, decays: tensor.decays))
            offset += tensor.shape.reduce(1, *)
        }
        count = offset
        self.index = index
        values = .allocate(capacity: max(offset, 1))
        values.initialize(repeating: 0, count: offset)
        self.keepsGradients = keepsGradients
        let gradientCount = keepsGradients ? offset : 0
        gradients = .allocate(capacity: max(gradientCount, 1))
        gradients.initialize(repeating: 0, count: max(gradientCount, 1))
    }

    deinit {
        values.deallocate()
        gradients.deallocate()
    }

    public func parameter(named name: String) -> Parameter? { index[name].map { parameters[$0] } }

    /// A copy of one tensor's values, for tests and checkpoints.
    public func values(of name: String) -> [Float]? {
        parameter(named: name).map { Array(UnsafeBufferPointer(start: values + $0.offset, count: $0.count)) }
    }

    /// A copy of one tensor's gradient.
    public func gradients(of name: String) -> [Float]? {
        parameter(named: name).map { Array(UnsafeBufferPointer(start: gradients + $0.offset, count: $0.count)) }
    }

    public func zeroGradients() { if keepsGradients { gradients.update(repeating: 0, count: count) } }

    /// Splits `0..<count` into `threads` equal bands and calls `body` with each parameter's
    /// share of each band, on that band's worker: for updates where every entry is on its own.
    func forEachBand(threads: Int, _ body: (_ parameter: Parameter, _ range: Range<Int>) -> Void) {
        let workers = max(1, min(threads, count))
        Parallel.forEach(workers, threads: workers) { worker, _ in
            let band = (worker * count / workers)..<((worker + 1) * count / workers)
            for parameter in parameters
            where parameter.offset < band.upperBound && parameter.offset + parameter.count > band.lowerBound {
                body(parameter, max(band.lowerBound, parameter.offset)..<min(band.upperBound, parameter.offset + parameter.count))
            }
        }
    }
}
