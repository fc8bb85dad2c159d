import FineTuning
import Foundation

/// The lines a fine-tuning run prints as it goes.
enum FineTuningProgress {
    static func stepLine(_ step: FineTuner.StepReport) -> String {
        String(
            format: "  step %d/%d (epoch %d): loss %.4f, learning rate %.2e, %.1f examples/s, ", step.step, step.totalSteps,
            step.epoch, step.loss, step.learningRate, step.examplesPerSecond) + "\(duration(step.secondsLeft)) left"
    }

    static func epochLine(_ epoch: FineTuner.EpochReport) -> String {
        var line =
            String(format: "epoch %d: training loss %.4f in ", epoch.epoch, epoch.trainingLoss) + duration(epoch.seconds)
        if let metrics = epoch.validation {
            line += String(format: "; validation accuracy %.4f, macro F1 %.4f", metrics.accuracy, metrics.macroF1)
            if epoch.isBest { line += " (best so far)" }
        }
        return line
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600
            ? String(format: "%dh%02dm", whole / 3600, whole / 60 % 60) : String(format: "%dm%02ds", whole / 60, whole % 60)
    }

    /// The process's peak resident memory (`VmHWM`), which, unlike `ru_maxrss`, does not
    /// count what the parent that started it held before `exec`.
    static func peakMemoryMegabytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
