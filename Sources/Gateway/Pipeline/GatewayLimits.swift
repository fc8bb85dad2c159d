/// Bounds on what one request may ask, so no client can make the server do unbounded work.
public struct GatewayLimits: Sendable, Equatable {
    /// Larger bodies get 413 before they are parsed.
    public var maxBodyBytes: Int
    /// In Unicode scalars; longer texts get 422.
    public var maxTextLength: Int
    /// Texts per batch request.
    public var maxBatchSize: Int
    /// Wrong API keys one client address may send at once before it gets 429 ...
    public var failedKeyBurst: Int
    /// ... and how many more a minute it earns back.
    public var failedKeysPerMinute: Double
    /// Answers kept in memory for labelled feedback to score, oldest forgotten first: about
    /// 250 bytes each (the soak's RSS grew 1 MB for 4,000 answers), so the default holds 25 MB.
    public var rememberedAnswers: Int

    public init(
        maxBodyBytes: Int = 64 * 1024, maxTextLength: Int = 10_000, maxBatchSize: Int = 64, failedKeyBurst: Int = 20,
        failedKeysPerMinute: Double = 10, rememberedAnswers: Int = 100_000
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTextLength = maxTextLength
        self.maxBatchSize = maxBatchSize
        self.failedKeyBurst = failedKeyBurst
        self.failedKeysPerMinute = failedKeysPerMinute
        self.rememberedAnswers = rememberedAnswers
    }
}
