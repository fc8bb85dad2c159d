/// A request as SigV4 sees it, before and after signing.
public struct SignableRequest: Sendable, Equatable {
    public var method: String
    /// The path as it goes on the wire, without the query; for every service but S3 the
    /// signer encodes it once more.
    public var path: String
    /// The query as it goes on the wire (`a=1&b=x%20y`), without the `?`; empty for none.
    public var query: String
    /// Header fields in order; a name may repeat.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public static func == (lhs: SignableRequest, rhs: SignableRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The path and query as in a request line.
    public var target: String { query.isEmpty ? path : path + "?" + query }

}
