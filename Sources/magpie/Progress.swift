import Foundation

/// Progress lines on standard error, so standard output stays clean for results and JSON.
enum Progress {
    static func say(_ message: String) {
        FileHandle.standardError.write(Data("magpie: \(message)\n".utf8))
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
