/// What the runtime loop calls with each event. Thrown `FunctionError`s are reported as they
/// are; any other error as `Runtime.HandlerError` with its description.
public protocol LambdaHandler: Sendable {
    func handle(_ invocation: Invocation) async throws -> [UInt8]
}
