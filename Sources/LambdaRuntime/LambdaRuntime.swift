import Foundation
import Logging

/// The custom-runtime loop AWS documents: initialize once per execution environment (the cold
/// start), reporting a failure to `/runtime/init/error`; then forever fetch the next event,
/// handle it, and post its response or error.
public enum LambdaRuntime {
    /// Runs until the Runtime API fails, which ends the process (Lambda then replaces the
    /// environment); never returns otherwise.
    ///
    /// - Parameters:
    ///   - endpoint: `AWS_LAMBDA_RUNTIME_API`.
    ///   - initialize: builds the handler (loads configuration and models); its error is
    ///     reported as an initialization error and rethrown.
    ///   - now: the clock in milliseconds since the Unix epoch, for deadlines.
    public static func run(
        endpoint: String, logger: Logger,
        now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
        initialize: () async throws -> any LambdaHandler
    ) async throws {
        try await RuntimeAPIClient.withConnection(to: endpoint) { client in
            let handler: any LambdaHandler
            do {
                handler = try await initialize()
            } catch {
                let reported = functionError(error, defaultType: "Runtime.InitError")
                logger.critical("initialization failed", metadata: ["error": "\(reported.message)"])
                try await client.sendInitializationError(reported)
                throw error
            }
            while true {
                let invocation = try await client.nextInvocation()
                setenv("_X_AMZN_TRACE_ID", invocation.traceID ?? "", 1)
                guard invocation.deadlineMilliseconds > now() else {
                    try await client.sendError(
                        to: invocation.requestID,
                        FunctionError(
                            type: "Runtime.DeadlineExceeded",
                            message: "the invocation's deadline had passed before it reached the handler"))
                    continue
                }
                do {
                    let response = try await handler.handle(invocation)
                    try await client.sendResponse(to: invocation.requestID, response)
                } catch {
                    let reported = functionError(error, defaultType: "Runtime.HandlerError")
                    logger.error(
                        "invocation failed",
                        metadata: ["request_id": "\(invocation.requestID)", "error": "\(reported.message)"])
                    try await client.sendError(to: invocation.requestID, reported)
                }
            }
        }
    }

    static func functionError(_ error: any Error, defaultType: String) -> FunctionError {
        (error as? FunctionError) ?? FunctionError(type: defaultType, message: String(describing: error))
    }
}
