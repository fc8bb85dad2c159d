/// Bounds on what one request may ask, so no client can make the server do unbounded work.
public struct GatewayLimits: Sendable, Equatable {
    /// Larger bodies get 413 before they are parsed.
    public var maxBodyBytes: Int
    /// In Unicode scalars; longer texts get 422.
    public var maxTextLength: Int
    /// Texts per batch request.
    public var maxBatchSize: Int

    public init(maxBodyBytes: Int = 64 * 1024, maxTextLength: Int = 10_000, maxBatchSize: Int = 64) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTextLength = maxTextLength
        self.maxBatchSize = maxBatchSize
    }
}
