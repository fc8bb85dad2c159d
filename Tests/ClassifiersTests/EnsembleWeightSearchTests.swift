import Classifiers
import Testing

@Suite struct EnsembleWeightSearchTests {
    @Test func theAverageIsTheWeightedMeanOfEachClass() {
        let combined = ProbabilityAverage.combine([[0.8, 0.2], [0.3, 0.7]], weights: [0.25, 0.75])
        #expect(abs(combined[0] - (0.25 * 0.8 + 0.75 * 0.3)) < 1e-6)
        #expect(abs(combined[1] - (0.25 * 0.2 + 0.75 * 0.7)) < 1e-6)
        #expect(abs(combined.reduce(0, +) - 1) < 1e-6)
    }

    /// Each model is sure and right on one class and unsure and wrong on the other: only a
    /// blend gets every row, and the search finds one.
    @Test func aBlendThatBeatsBothModelsIsChosen() {
        let truth = [0, 0, 1, 1]
        let first: [[Float]] = [[0.95, 0.05], [0.95, 0.05], [0.55, 0.45], [0.55, 0.45]]
        let second: [[Float]] = [[0.45, 0.55], [0.45, 0.55], [0.05, 0.95], [0.05, 0.95]]
        let names = ["a", "b"]
        let choice = EnsembleWeightSearch.choose(first: first, second: second, truth: truth, labelNames: names)
        #expect(choice.metrics.macroF1 == 1)
        #expect(abs(choice.weights.reduce(0, +) - 1) < 1e-12)
        for alone in [[1.0, 0.0], [0.0, 1.0]] {
            let predicted = zip(first, second).map {
                Prediction.bestIndex(of: ProbabilityAverage.combine([$0, $1], weights: alone))
            }
            #expect(ClassificationMetrics(truth: truth, predicted: predicted, labels: names).macroF1 < 1)
        }
    }

    @Test func equallyGoodWeightsGoToTheEvenSplit() {
        let rows: [[Float]] = [[0.9, 0.1], [0.2, 0.8]]
        let choice = EnsembleWeightSearch.choose(first: rows, second: rows, truth: [0, 1], labelNames: ["a", "b"])
        #expect(choice.weights == [0.5, 0.5])
    }

    /// One model right and one wrong: the right one gets all the weight the search needs.
    @Test func aUselessModelGetsLittleWeight() {
        let truth = [0, 1, 0, 1]
        let right: [[Float]] = [[0.7, 0.3], [0.3, 0.7], [0.7, 0.3], [0.3, 0.7]]
        let wrong: [[Float]] = [[0.1, 0.9], [0.9, 0.1], [0.1, 0.9], [0.9, 0.1]]
        let choice = EnsembleWeightSearch.choose(first: wrong, second: right, truth: truth, labelNames: ["a", "b"])
        #expect(choice.metrics.macroF1 == 1)
        #expect(choice.weights[0] < 0.4, "\(choice.weights)")
    }
}
