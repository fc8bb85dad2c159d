import Classifiers

/// A model whose concurrent requests are computed together (`Batcher`); what it wraps needs
/// only to answer many texts at once.
public final class BatchingModel: ServableModel {
    public let inner: any ServableModel
    public let batcher: Batcher<ModelAnswer>

    /// - Parameters:
    ///   - name: how errors name the model: `NAME@VERSION`.
    ///   - observe: hears each batch's size, for metrics.
    public init(
        _ inner: any ServableModel, name: String, policy: BatchingPolicy,
        observe: @escaping @Sendable (BatchStatistics) -> Void = { _ in }
    ) {
        self.inner = inner
        batcher = Batcher(name: name, policy: policy, observe: observe) { texts, context in
            try await inner.classify(texts, context: context)
        }
    }

    public var profile: ModelProfile { inner.profile }
    public var policy: BatchingPolicy { batcher.policy }
    /// Requests queued behind the batch being computed.
    public var waitingRequests: Int { batcher.waitingRequests }
    public var upstreamHealth: RemoteHealth? { inner.upstreamHealth }

    public func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
        try await batcher.run(texts, context: context)
    }

    /// Not batched: an explanation is one text's own computation.
    public func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation? {
        try await inner.explain(text, label: label, context: context)
    }
}

extension ModelAnswer: BatchAnswer {
    public func slice(_ range: Range<Int>, queueing: Duration, passTexts: Int) -> ModelAnswer {
        ModelAnswer(
            predictions: Array(predictions[range]), truncated: Array(truncated[range]), computing: computing,
            upstream: upstream, queueing: queueing, passTexts: passTexts)
    }

    public func queued(for queueing: Duration) -> ModelAnswer {
        var answer = self
        answer.queueing = queueing
        answer.passTexts = predictions.count
        return answer
    }
}
