import Foundation

/// The error document the Runtime API takes for a failed invocation or start-up: AWS shows
/// it in the invocation's result and in CloudWatch, so the message is what a user reads.
public struct FunctionError: Error, Sendable, Equatable {
    /// Sent as `errorType` and as `Lambda-Runtime-Function-Error-Type`, e.g.
    /// `Runtime.InvalidEvent`.
    public var type: String
    public var message: String

    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    /// `{"errorMessage": ..., "errorType": ..., "stackTrace": []}`, AWS's documented shape.
    var json: [UInt8] {
        let document: [String: Any] = ["errorMessage": message, "errorType": type, "stackTrace": [String]()]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Array(data)
    }
}
