import Classifiers
import Testing

@Suite struct MetricsTests {
    /// Worked by hand: truth [a a a b b c], predicted [a a b b c c].
    /// a: precision 2/2, recall 2/3; b: precision 1/2, recall 1/2; c: precision 1/2, recall 1/1.
    @Test func matchesHandComputedExample() {
        let metrics = ClassificationMetrics(truth: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2], labels: ["a", "b", "c"])
        #expect(metrics.confusionMatrix == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(abs(metrics.accuracy - 4.0 / 6.0) < 1e-12)
        let f1a = 2 * 1.0 * (2.0 / 3.0) / (1.0 + 2.0 / 3.0)
        let f1b = 0.5
        let f1c = 2 * 0.5 * 1.0 / 1.5
        #expect(abs(metrics.perClass[0].precision - 1) < 1e-12)
        #expect(abs(metrics.perClass[0].recall - 2.0 / 3.0) < 1e-12)
        #expect(abs(metrics.perClass[0].f1 - f1a) < 1e-12)
        #expect(abs(metrics.perClass[2].f1 - f1c) < 1e-12)
        #expect(metrics.perClass.map(\.support) == [3, 2, 1])
        #expect(abs(metrics.macroF1 - (f1a + f1b + f1c) / 3) < 1e-12)
        #expect(abs(metrics.weightedF1 - (3 * f1a + 2 * f1b + f1c) / 6) < 1e-12)
    }

    @Test func scoresAClassNeverPredictedAsZero() {
        let metrics = ClassificationMetrics(truth: [0, 1], predicted: [0, 0], labels: ["a", "b"])
        #expect(metrics.perClass[1] == .init(precision: 0, recall: 0, f1: 0, support: 1))
    }

    @Test func summarizesMeanAndPopulationStandardDeviation() {
        let summary = MetricSummary([0.5, 0.7, 0.9])
        #expect(abs(summary.mean - 0.7) < 1e-12)
        #expect(abs(summary.standardDeviation - (0.08 / 3).squareRoot()) < 1e-12)
    }
}

@Suite struct StratifiedSplitTests {
    let labels = Array(repeating: 0, count: 90) + Array(repeating: 1, count: 10)

    @Test func holdoutKeepsClassShares() {
        let split = StratifiedSplit.holdout(labels: labels, classCount: 2, fraction: 0.2, seed: 7)
        #expect(split.test.count == 20)
        #expect(split.test.filter { labels[$0] == 1 }.count == 2)
        #expect(Set(split.train).isDisjoint(with: split.test))
        #expect(split.train.count + split.test.count == labels.count)
    }

    @Test func sameSeedSamePartitionOtherSeedOther() {
        let first = StratifiedSplit.holdout(labels: labels, classCount: 2, fraction: 0.2, seed: 7)
        let again = StratifiedSplit.holdout(labels: labels, classCount: 2, fraction: 0.2, seed: 7)
        let other = StratifiedSplit.holdout(labels: labels, classCount: 2, fraction: 0.2, seed: 8)
        #expect(first.test == again.test)
        #expect(first.test != other.test)
    }

    @Test func foldsDealEachClassEvenly() {
        let folds = StratifiedSplit.folds(labels: labels, classCount: 2, foldCount: 5, seed: 1)
        for fold in 0..<5 {
            let members = labels.indices.filter { folds[$0] == fold }
            #expect(members.filter { labels[$0] == 1 }.count == 2)
            #expect(members.count == 20)
        }
    }
}
