/// How a model's concurrent requests are computed together. An encoder's forward pass costs
/// little more for eight short texts than for one (its weights are read from memory once per
/// pass), so requests that arrive while a pass runs wait for it to end and are then computed
/// in one pass, up to these bounds. Nothing waits on an idle model: a lone request is
/// computed at once.
public struct BatchingPolicy: Sendable, Equatable {
    /// Texts in one pass, over all the requests in it.
    public var maxTexts: Int
    /// Tokens in one pass, estimated from the texts' lengths (`estimatedTokens`): what bounds
    /// a pass's memory and its latency for the requests in it.
    public var maxTokens: Int
    /// How long a request may wait for its batch. One still waiting then is answered with
    /// `queueTimeout` and never computed: its client has likely given up, and computing it
    /// would only delay the requests behind it. 30 s by default, as long as a remote model's
    /// `timeout` and about API Gateway's 29 s.
    public var maxQueueTime: Duration

    public init(maxTexts: Int = 64, maxTokens: Int = 8192, maxQueueTime: Duration = .seconds(30)) {
        self.maxTexts = max(1, maxTexts)
        self.maxTokens = max(1, maxTokens)
        self.maxQueueTime = max(.zero, maxQueueTime)
    }

    /// Word pieces a text is expected to become, without tokenizing it twice: English runs
    /// at about four bytes per piece, plus `[CLS]` and `[SEP]`, and no encoder here takes more
    /// than 512.
    public static func estimatedTokens(of text: String) -> Int {
        min(text.utf8.count / 4 + 2, 512)
    }
}
