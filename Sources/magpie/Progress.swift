import Foundation

/// Progress lines on standard error, so standard output stays clean for results and JSON.
enum Progress {
    static func say(_ message: String) {
        FileHandle.standardError.write(Data("magpie: \(message)\n".utf8))
    }

    /// A callback for batch progress (`done` of `total`) that speaks at most every five
    /// seconds and at the end, with the rate so far.
    static func counter(_ verb: String, total: Int) -> (_ done: Int) -> Void {
        let start = ContinuousClock.now
        var lastReport = start
        return { done in
            let now = ContinuousClock.now
            guard now - lastReport >= .seconds(5) || done == total else { return }
            lastReport = now
            say("  \(verb) \(done)/\(total) (\(String(format: "%.1f", Double(done) / seconds(since: start))) texts/s)")
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
