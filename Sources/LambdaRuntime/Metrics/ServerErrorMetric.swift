import Foundation
import JSONValues

/// Counts the function's own 5xx answers in CloudWatch by the embedded metric format: Lambda
/// sends every line the function writes to CloudWatch Logs, which turns a line carrying an
/// `_aws` object into a metric. An HTTP API stack alarms on this metric instead of API
/// Gateway's `5xx`, whose `ApiId` dimension would make the alarm depend on the API, and so close
/// the cycle API → live alias → deployment group → alarm that CloudFormation refuses.
///
/// The metric is named by the function's name alone (`AWS_LAMBDA_FUNCTION_NAME`, which the
/// template makes `${AppName}-${Environment}`), so the alarm names it from parameters.
public struct ServerErrorMetric: Sendable {
    public static let namespace = "Magpie"
    public static let metricName = "ServerErrors"
    public static let dimension = "FunctionName"

    let functionName: String
    let write: @Sendable (String) -> Void

    /// - Parameter write: receives one JSON line; by default written to standard output at once,
    ///   so a frozen execution environment loses none.
    public init(functionName: String, write: @escaping @Sendable (String) -> Void = ServerErrorMetric.standardOutput) {
        self.functionName = functionName
        self.write = write
    }

    /// Records one answer; only a 5xx writes a line, so healthy traffic costs nothing.
    public func record(status: Int, at date: Date = Date()) {
        guard status >= 500 else { return }
        let record: [String: JSONValue] = [
            "_aws": .object([
                "Timestamp": .number((date.timeIntervalSince1970 * 1000).rounded(.down)),
                "CloudWatchMetrics": .array([
                    .object([
                        "Namespace": .string(Self.namespace),
                        "Dimensions": .array([.array([.string(Self.dimension)])]),
                        "Metrics": .array([.object(["Name": .string(Self.metricName), "Unit": .string("Count")])]),
                    ])
                ]),
            ]),
            Self.dimension: .string(functionName),
            Self.metricName: .number(1),
            "status": .number(Double(status)),
        ]
        write(JSONValue.object(record).serialized)
    }

    @Sendable public static func standardOutput(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
