import Foundation
import Histogram

/// A run's figures, as `--json` prints them. The keys are part of Magpie's interface: scripts
/// compare runs by them, so they change only with `format_version`.
public struct BenchReport: Sendable, Codable, Equatable {
    public static let formatVersion = 1

    public struct Latency: Sendable, Codable, Equatable {
        public var min, p50, p90, p99, p999, max, mean: Double

        enum CodingKeys: String, CodingKey {
            case min, p50, p90, p99
            case p999 = "p99_9"
            case max, mean
        }
    }

    public struct Second: Sendable, Codable, Equatable {
        public var second: Int
        public var requests: Int
        public var errors: Int
    }

    public var formatVersion: Int
    public var url: String
    public var method: String
    /// `closed` (fixed connections) or `open` (fixed arrival rate).
    public var mode: String
    public var connections: Int
    /// The intended arrival rate, for an open loop.
    public var rate: Double?
    public var seconds: Double
    /// Every request that finished: answered, whatever the status, or failed.
    public var requests: Int
    /// Answers with a 2xx or 3xx status.
    public var succeeded: Int
    public var throughput: Double
    /// Latency of answered requests, in milliseconds; for an open loop, from when each was due.
    public var latencyMilliseconds: Latency
    /// Answers by status code.
    public var statuses: [String: Int]
    /// Requests without an answer, by kind: `timeout`, `connect`, `reset`.
    public var failures: [String: Int]
    public var perSecond: [Second]
    /// Latency (ms) at percentiles from 0 to 100, for the percentile chart.
    public var percentileCurve: [Point]
    /// Answered requests by latency range, on a log scale between the fastest and slowest.
    public var histogram: [Bucket]
    /// First requests after restarts or idle unloads, when the run asked for them.
    public var coldStart: ColdStartReport?

    public struct Point: Sendable, Codable, Equatable {
        public var percentile: Double
        public var milliseconds: Double
    }

    public struct Bucket: Sendable, Codable, Equatable {
        public var fromMilliseconds: Double
        public var toMilliseconds: Double
        public var count: Int

        enum CodingKeys: String, CodingKey {
            case fromMilliseconds = "from_ms"
            case toMilliseconds = "to_ms"
            case count
        }
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case url, method, mode, connections, rate, seconds, requests, succeeded
        case throughput = "requests_per_second"
        case latencyMilliseconds = "latency_ms"
        case statuses = "status_counts"
        case failures = "failure_counts"
        case perSecond = "per_second"
        case percentileCurve = "percentile_curve"
        case histogram
        case coldStart = "cold_start"
    }

    init(plan: BenchPlan, state: Recorder.State, measuredFrom: ContinuousClock.Instant, until now: ContinuousClock.Instant) {
        formatVersion = Self.formatVersion
        url = plan.target.url
        method = plan.method.rawValue
        switch plan.pacing {
        case .closedLoop(let connections): (mode, self.connections, rate) = ("closed", connections, nil)
        case .openLoop(let rate, let connections): (mode, self.connections, self.rate) = ("open", connections, rate)
        }
        let end = max(state.lastCompletion ?? now, measuredFrom)
        seconds = Double(Recorder.microseconds(measuredFrom.duration(to: end))) / 1e6
        let answered = state.statuses.values.reduce(0, +)
        requests = answered + state.failures.values.reduce(0, +)
        succeeded = state.statuses.filter { $0.key < 400 }.values.reduce(0, +)
        throughput = seconds > 0 ? Double(requests) / seconds : 0
        let histogram = state.latency
        func ms(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        latencyMilliseconds =
            answered == 0
            ? Latency(min: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0)
            : Latency(
                min: ms(histogram.min), p50: ms(histogram.valueAtPercentile(50)), p90: ms(histogram.valueAtPercentile(90)),
                p99: ms(histogram.valueAtPercentile(99)), p999: ms(histogram.valueAtPercentile(99.9)), max: ms(histogram.max),
                mean: histogram.mean / 1000)
        statuses = Dictionary(uniqueKeysWithValues: state.statuses.map { (String($0.key), $0.value) })
        failures = state.failures
        perSecond = state.seconds.enumerated().map {
            Second(second: $0.offset + 1, requests: $0.element.requests, errors: $0.element.errors)
        }
        percentileCurve =
            answered == 0
            ? [] : Self.curvePercentiles.map { Point(percentile: $0, milliseconds: ms(histogram.valueAtPercentile($0))) }
        self.histogram = answered == 0 ? [] : Self.buckets(of: histogram)
    }

    static let curvePercentiles: [Double] = [
        0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100,
    ]

    /// Thirty ranges of equal ratio from the fastest answer to the slowest; each recorded
    /// value counts once, in the range its value falls in.
    static func buckets(of histogram: Histogram<UInt64>, count: Int = 30) -> [Bucket] {
        let low = Double(Swift.max(histogram.min, 1))
        let high = Double(Swift.max(histogram.max, histogram.min + 1))
        let ratio = pow(high / low, 1 / Double(count))
        var buckets = (0..<count).map { index in
            Bucket(
                fromMilliseconds: low * pow(ratio, Double(index)) / 1000,
                toMilliseconds: (index == count - 1 ? high : low * pow(ratio, Double(index + 1))) / 1000, count: 0)
        }
        for recorded in histogram.recordedValues() {
            let position = log(Swift.max(Double(recorded.value), low) / low) / log(ratio)
            buckets[Swift.min(count - 1, Swift.max(0, Int(position)))].count += Int(recorded.count)
        }
        return buckets
    }

    /// The JSON document, keys sorted, so two runs' reports diff line by line.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// The report as a person reads it.
    public var table: String {
        let pacing =
            rate.map { "open loop at \(Self.number($0)) requests/s on up to \(connections) connections" }
            ?? "closed loop, \(connections) connections"
        var lines = [
            "\(method) \(url): \(pacing), \(String(format: "%.1f", seconds)) s",
            "",
            "  requests   \(requests) (\(succeeded) succeeded)",
            "  throughput \(String(format: "%.1f", throughput)) requests/s",
            "",
            "  latency (ms)    min      p50      p90      p99    p99.9      max     mean",
            "               "
                + [
                    latencyMilliseconds.min, latencyMilliseconds.p50, latencyMilliseconds.p90, latencyMilliseconds.p99,
                    latencyMilliseconds.p999, latencyMilliseconds.max, latencyMilliseconds.mean,
                ].map { String(format: "%9.3f", $0) }.joined(),
        ]
        if !statuses.isEmpty {
            lines.append("")
            lines.append(
                "  status     " + statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        }
        if !failures.isEmpty {
            lines.append(
                "  failures   " + failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        }
        if let coldStart { lines += coldStart.tableLines }
        return lines.joined(separator: "\n")
    }

    /// One line for progress on standard error.
    public var progressLine: String {
        String(
            format: "%5.1f s  %8.1f requests/s  p50 %.3f ms  p99 %.3f ms  errors %d", seconds, throughput,
            latencyMilliseconds.p50, latencyMilliseconds.p99, requests - succeeded)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
