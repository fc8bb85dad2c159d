import Gateway

extension Console: MountedHandler {
    package var prefix: String { "/console" }
    package var metricName: String { "console" }

    package func respond(to request: GatewayRequest) async throws -> GatewayResponse {
        do {
            return try await route(request)
        } catch let error as ConsoleError {
            return error.response
        } catch let error as GatewayError {
            return error.response
        } catch {
            logger.error("console call failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
            return GatewayError.internalError.response
        }
    }

    /// Every answer, errors and the envelope's refusals included, carries the console's
    /// security headers.
    package func finish(_ response: inout GatewayResponse) {
        SecurityHeaders.apply(to: &response.headers)
    }
}
