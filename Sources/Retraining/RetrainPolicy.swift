/// A model's `retrain:` section: where new datasets land and how a new version is gated.
public struct RetrainPolicy: Sendable, Equatable {
    /// A folder, or `s3://BUCKET/PREFIX`.
    public var source: String
    /// The largest drop in macro F1 on the hold-out, against stable, that still publishes.
    public var maxRegression = 0.01
    /// Train on every dataset published so far plus the new one, instead of the new one alone.
    public var merge = false
    /// How often the source is listed.
    public var pollInterval: Duration = .seconds(30)
    /// The share of keys the new version gets as a canary.
    public var canaryWeight = 10
    /// The share of the first dataset set aside, once, as the fixed hold-out.
    public var holdoutFraction = 0.1
    /// Fewer training rows of any label refuse the dataset.
    public var minimumRowsPerLabel = 10
    /// Fewer hold-out rows of any label unseen by stable (not among its training texts) and
    /// the versions are not compared: a decision on so few would be chance.
    public var minimumHoldoutRowsPerLabel = 5

    public init(source: String) {
        self.source = source
    }
}
