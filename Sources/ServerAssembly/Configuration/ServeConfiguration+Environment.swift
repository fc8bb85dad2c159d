import Foundation
import Gateway
import GatewayHost
import HTTPTypes
import Logging
import ModelRuntime
import Releases
import Retraining
import Storage
import Yams

/// `MAGPIE_*` environment variables, which override the file.
extension ServeConfiguration {
    /// A log level by swift-log's name (`trace` … `critical`), case ignored.
    package static func logLevel(_ name: String) -> Logger.Level? {
        Logger.Level(rawValue: name.lowercased())
    }

    package static let logLevelExpectation =
        "expected one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"

    /// Applies `MAGPIE_HOST`, `MAGPIE_PORT`, `MAGPIE_DATABASE`, `MAGPIE_MODELS`,
    /// `MAGPIE_MAX_BODY_BYTES`, `MAGPIE_ALLOWED_ORIGINS` (comma-separated) and
    /// `MAGPIE_LOG_LEVEL`.
    package mutating func apply(environment: [String: String]) throws {
        func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError(
                    file: "environment", key: name, line: nil,
                    reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            return value
        }
        if let value = environment["MAGPIE_HOST"] { host = value }
        if let value = try number("MAGPIE_PORT", 0...65_535) { port = value }
        if let value = environment["MAGPIE_DATABASE"] { database = value }
        if let value = environment["MAGPIE_MODELS"] { modelsDirectory = value }
        if let value = try number("MAGPIE_MAX_BODY_BYTES", 1024...64 * 1024 * 1024) { limits.maxBodyBytes = value }
        if let value = environment["MAGPIE_ALLOWED_ORIGINS"] {
            allowedOrigins = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let value = environment["MAGPIE_LOG_LEVEL"] {
            guard let level = Self.logLevel(value) else {
                throw ConfigurationError(
                    file: "environment", key: "MAGPIE_LOG_LEVEL", line: nil,
                    reason: "\(Self.logLevelExpectation), got '\(value)'")
            }
            logLevel = level
        }
    }
}
