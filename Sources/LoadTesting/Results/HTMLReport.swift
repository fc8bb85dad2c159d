import Foundation

/// A run's report as one self-contained HTML page: the summary, a latency-by-percentile chart
/// (on a "nines" scale, so the tail is as wide as the body), the latency histogram and
/// requests per second, all inline SVG, with no script, font or stylesheet fetched from
/// anywhere: the page can be mailed or attached to a ticket as it is.
public enum HTMLReport {
    public static func page(_ report: BenchReport) -> String {
        let latency = report.latencyMilliseconds
        var rows = [
            ("requests", "\(report.requests) (\(report.succeeded) succeeded)"),
            ("throughput", String(format: "%.1f requests/s", report.throughput)),
            ("duration", String(format: "%.1f s", report.seconds)),
            (
                "latency min / p50 / p90 / p99 / p99.9 / max (ms)",
                [latency.min, latency.p50, latency.p90, latency.p99, latency.p999, latency.max].map { String(format: "%.3f", $0) }
                    .joined(separator: " / ")
            ),
            ("statuses", report.statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")),
        ]
        if !report.failures.isEmpty {
            rows.append(
                ("failures", report.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))
        }
        let pacing =
            report.rate.map { "open loop, \(BenchReport.number($0)) requests/s, up to \(report.connections) connections" }
            ?? "closed loop, \(report.connections) connections"
        var sections = [
            "<h2>Latency by percentile</h2>", percentileChart(report.percentileCurve),
            "<h2>Latency histogram</h2>", histogramChart(report.histogram),
            "<h2>Requests per second</h2>", throughputChart(report.perSecond),
        ]
        if let cold = report.coldStart { sections.append(coldStartTable(cold)) }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>magpie bench: \(escape(report.url))</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 60em; }
            table { border-collapse: collapse; } td, th { padding: 2px 12px 2px 0; text-align: left; vertical-align: top; }
            svg { background: #fafafa; border: 1px solid #ddd; } .axis { font-size: 11px; fill: #555; }
            </style></head><body>
            <h1>\(escape(report.method)) \(escape(report.url))</h1>
            <p>\(escape(pacing))</p>
            <table>\(rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined())</table>
            \(sections.joined(separator: "\n"))
            </body></html>

            """
    }

    static let width = 720.0
    static let height = 260.0
    static let margin = (left: 60.0, right: 40.0, top: 30.0, bottom: 35.0)

    /// x: percentile on a log scale of 1 / (1 - p), from 0 to 99.99; y: milliseconds.
    static func percentileChart(_ points: [BenchReport.Point]) -> String {
        let shown = points.filter { $0.percentile <= 99.99 }
        guard !shown.isEmpty else { return "<p>No answered requests.</p>" }
        func nines(_ percentile: Double) -> Double { -log10(max(1 - percentile / 100, 1e-4)) }
        let top = niceCeiling(shown.map(\.milliseconds).max() ?? 1)
        let path = shown.map { point -> String in
            String(format: "%.1f,%.1f", x(nines(point.percentile), of: 4), y(point.milliseconds, of: top))
        }
        let ticks = [0.0, 90, 99, 99.9, 99.99].map { percentile in
            let position = x(nines(percentile), of: 4)
            return String(
                format:
                    ##"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text class="axis" x="%.1f" y="%.1f" text-anchor="middle">"##,
                position, margin.top, position, height - margin.bottom, position, height - margin.bottom + 15)
                + BenchReport.number(percentile) + "%</text>"
        }
        return svg(
            yAxis(top, label: "ms") + ticks.joined()
                + ##"<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="\##(path.joined(separator: " "))"/>"##)
    }

    static func histogramChart(_ buckets: [BenchReport.Bucket]) -> String {
        guard !buckets.isEmpty else { return "<p>No answered requests.</p>" }
        let top = niceCeiling(Double(buckets.map(\.count).max() ?? 1))
        let barWidth = (width - margin.left - margin.right) / Double(buckets.count)
        var bars = ""
        for (index, bucket) in buckets.enumerated() {
            let left = margin.left + Double(index) * barWidth
            let topY = y(Double(bucket.count), of: top)
            bars += String(
                format:
                    ##"<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2da44e"><title>%.3f–%.3f ms: %d</title></rect>"##,
                left + 1, topY, max(barWidth - 2, 1), height - margin.bottom - topY, bucket.fromMilliseconds,
                bucket.toMilliseconds, bucket.count)
        }
        for index in stride(from: 0, to: buckets.count, by: max(1, buckets.count / 6)) {
            bars += String(
                format: #"<text class="axis" x="%.1f" y="%.1f">%.3g ms</text>"#, margin.left + Double(index) * barWidth,
                height - margin.bottom + 15, buckets[index].fromMilliseconds)
        }
        return svg(yAxis(top, label: "requests") + bars)
    }

    static func throughputChart(_ seconds: [BenchReport.Second]) -> String {
        guard !seconds.isEmpty else { return "<p>No requests.</p>" }
        let top = niceCeiling(Double(seconds.map(\.requests).max() ?? 1))
        let barWidth = (width - margin.left - margin.right) / Double(seconds.count)
        var bars = ""
        for (index, second) in seconds.enumerated() {
            let left = margin.left + Double(index) * barWidth
            let requestsY = y(Double(second.requests), of: top)
            let errorsY = y(Double(second.errors), of: top)
            bars += String(
                format:
                    ##"<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#1f6feb"><title>second %d: %d requests, %d errors</title></rect>"##,
                left + 1, requestsY, max(barWidth - 2, 1), height - margin.bottom - requestsY, second.second, second.requests,
                second.errors)
            if second.errors > 0 {
                bars += String(
                    format: ##"<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#cf222e"/>"##, left + 1, errorsY,
                    max(barWidth - 2, 1), height - margin.bottom - errorsY)
            }
        }
        bars += String(
            format: #"<text class="axis" x="%.1f" y="%.1f" text-anchor="end">%d s</text>"#, width - margin.right,
            height - margin.bottom + 15, seconds.count)
        return svg(yAxis(top, label: "requests/s") + bars)
    }

    static func coldStartTable(_ cold: ColdStartReport) -> String {
        func cell(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        let rows = cold.samples.enumerated().map { index, sample in
            "<tr><td>\(index + 1)</td><td>\(sample.status.map(String.init) ?? escape(sample.failure ?? ""))</td>"
                + "<td>\(cell(sample.firstRequestMilliseconds))</td><td>\(cell(sample.restartToAnswerMilliseconds))</td>"
                + "<td>\(cell(sample.loadMilliseconds))</td><td>\(cell(sample.inferenceMilliseconds))</td>"
                + "<td>\(sample.coldStart.map { $0 ? "yes" : "no" } ?? "")</td></tr>"
        }
        return """
            <h2>First requests after \(cold.trigger == "restart" ? "a restart" : "an idle wait")</h2>
            <table><tr><th>#</th><th>status</th><th>first request (ms)</th><th>restart to answer (ms)</th>\
            <th>server: load (ms)</th><th>server: inference (ms)</th><th>cold start</th></tr>\(rows.joined())</table>
            """
    }

    static func svg(_ content: String) -> String {
        String(
            format: #"<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">"#, width,
            height, width, height)
            + content + "</svg>"
    }

    static func yAxis(_ top: Double, label: String) -> String {
        (0...4).map { step in
            let value = top * Double(step) / 4
            let position = y(value, of: top)
            return String(
                format:
                    ##"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/><text class="axis" x="%.1f" y="%.1f" text-anchor="end">%.4g</text>"##,
                margin.left, position, width - margin.right, position, margin.left - 5, position + 4, value)
        }.joined() + String(format: #"<text class="axis" x="5" y="%.1f">"#, margin.top - 15) + escape(label) + "</text>"
    }

    static func x(_ value: Double, of maximum: Double) -> Double {
        margin.left + (width - margin.left - margin.right) * value / maximum
    }

    static func y(_ value: Double, of maximum: Double) -> Double {
        height - margin.bottom - (height - margin.top - margin.bottom) * value / max(maximum, 1e-9)
    }

    /// 1, 2 or 5 times a power of ten, at least `value`: axis tops a reader can read.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, floor(log10(value)))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= value } ?? 10 * power
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
