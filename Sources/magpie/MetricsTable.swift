import Classifiers
import Foundation

/// Human-readable tables of metrics for the terminal.
enum MetricsTable {
    static func classification(_ metrics: ClassificationMetrics) -> String {
        let width = max(12, (metrics.labels.map(\.count).max() ?? 0) + 2)
        var lines: [String] = []
        lines.append(pad("class", width) + "precision   recall       f1   support")
        for (name, values) in zip(metrics.labels, metrics.perClass) {
            lines.append(
                pad(name, width) + number(values.precision) + "   " + number(values.recall) + "   " + number(values.f1)
                    + String(format: "%10d", values.support))
        }
        lines.append("")
        lines.append(
            pad("accuracy", width) + String(repeating: " ", count: 24) + number(metrics.accuracy)
                + String(format: "%10d", metrics.count))
        lines.append(pad("macro F1", width) + String(repeating: " ", count: 24) + number(metrics.macroF1))
        lines.append(pad("weighted F1", width) + String(repeating: " ", count: 24) + number(metrics.weightedF1))
        lines.append("")
        lines.append("confusion matrix (rows: true label, columns: predicted)")
        let cellWidth = max(8, (metrics.labels.map(\.count).max() ?? 0) + 1)
        lines.append(pad("", width) + metrics.labels.map { padLeft($0, cellWidth) }.joined())
        for (name, row) in zip(metrics.labels, metrics.confusionMatrix) {
            lines.append(pad(name, width) + row.map { padLeft(String($0), cellWidth) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    static func trainingSummary(
        manifest: ModelManifest, finalFit: ModelTrainer.FitSummary, timings: [String: Double],
        embedding: TrainingReport.EmbeddingStatistics?, path: String
    ) -> String {
        var sections: [String] = []
        if let holdout = manifest.validation?.holdout {
            sections.append(
                "Hold-out evaluation (\(holdout.testCount) rows, \(Int(holdout.fraction * 100))% stratified, seed \(manifest.hyperparameters.seed)):\n"
                    + classification(holdout.metrics))
        }
        if let cross = manifest.validation?.crossValidation {
            var lines = ["Cross-validation (\(cross.folds) folds, stratified, mean ± std):"]
            lines.append("  accuracy     " + summary(cross.accuracy))
            lines.append("  macro F1     " + summary(cross.macroF1))
            lines.append("  weighted F1  " + summary(cross.weightedF1))
            for name in manifest.labels.map(\.name) {
                if let recall = cross.recall[name] { lines.append("  recall \(name): " + summary(recall)) }
            }
            sections.append(lines.joined(separator: "\n"))
        }
        var fit =
            "Final fit: \(manifest.trainingData.rowsUsed) rows, \(finalFit.featureCount) \(manifest.encoder == nil ? "features" : "embedding dimensions")"
        if let iterations = finalFit.iterations {
            fit +=
                ", \(iterations) iterations (\(finalFit.evaluations ?? iterations) evaluations)"
                + (finalFit.converged ? "" : " (not converged: raise the iteration limit)")
        }
        let skipped = manifest.trainingData.rowsSkipped.total
        if skipped > 0 { fit += ", \(skipped) rows skipped" }
        sections.append(fit)
        if let embedding {
            sections.append(
                "Embedding: \(embedding.texts) texts, \(embedding.wordPieces) word pieces, \(embedding.sequences) sequences"
                    + (embedding.truncatedTexts > 0 ? ", \(embedding.truncatedTexts) texts truncated" : "")
                    + String(format: ", %.1f texts/s on %d threads", embedding.textsPerSecond, embedding.threads))
        }
        let stageOrder = ["featurize", "embed", "holdout", "cross_validation", "final_fit", "total"]
        sections.append(
            "Time: "
                + stageOrder.compactMap { stage in timings[stage].map { "\(stage) \(String(format: "%.2f", $0)) s" } }
                .joined(separator: ", "))
        sections.append("Model \(manifest.name) version \(manifest.version) written to \(path)")
        return sections.joined(separator: "\n\n")
    }

    static func summary(_ metric: MetricSummary) -> String {
        String(format: "%.4f ± %.4f", metric.mean, metric.standardDeviation)
    }

    private static func number(_ value: Double) -> String { String(format: "%9.4f", value) }
    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
    private static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
