import Classifiers
import Foundation
import Testing
import TextFeatures

/// A tiny sentiment-like corpus where the class follows from one word per text.
enum ToyCorpus {
    static let texts: [String] = (0..<60).map { index in
        let filler = ["the film", "this one", "that show", "my day"][index % 4]
        switch index % 3 {
        case 0: return "\(filler) was great fun \(index)"
        case 1: return "\(filler) was awful and dull \(index)"
        default: return "\(filler) was okay I guess \(index)"
        }
    }
    static let labels: [Int] = (0..<60).map { $0 % 3 }
    static let labelSet = LabelSet(labels: [
        .init(value: "0", name: "good"), .init(value: "1", name: "bad"), .init(value: "2", name: "meh"),
    ])

    static func documents(_ configuration: FeatureConfiguration) -> [TermCounts] {
        var featurizer = TextFeaturizer(configuration: configuration)
        return texts.map { featurizer.termCounts(of: $0) }
    }
}

@Suite struct TrainingTests {
    @Test func analyticGradientMatchesFiniteDifferences() {
        let configuration = FeatureConfiguration(characterNGrams: nil, minimumDocumentFrequency: 1)
        let documents = ToyCorpus.documents(configuration)
        let space = FeatureSpace.fit(configuration: configuration, documents: documents)
        let matrix = SparseMatrix(columnCount: space.count, rows: documents.map { space.vector(for: $0) })
        let weights = ModelTrainer.exampleWeights(labels: ToyCorpus.labels, classCount: 3, weighting: .balanced)
        let workspace = ColumnPassWorkspace(
            byColumn: matrix.transposed(), labels: ToyCorpus.labels, exampleWeights: weights, classCount: 3, chunkCount: 4)
        var generator = SeededGenerator(seed: 3)
        let point = (0..<(space.count * 3 + 3)).map { _ in Double.random(in: -0.5...0.5, using: &generator) }
        var gradient = [Double](repeating: 0, count: point.count)
        _ = workspace.evaluate(point, gradient: &gradient)
        var scratch = gradient
        for index in stride(from: 0, to: point.count, by: max(1, point.count / 40)) + [point.count - 1] {
            var plus = point
            var minus = point
            plus[index] += 1e-3
            minus[index] -= 1e-3
            let numeric = (workspace.evaluate(plus, gradient: &scratch) - workspace.evaluate(minus, gradient: &scratch)) / 2e-3
            #expect(abs(numeric - gradient[index]) < 1e-4, "parameter \(index): numeric \(numeric), analytic \(gradient[index])")
        }
    }

    @Test func logisticRegressionLearnsTheToyCorpus() {
        let configuration = FeatureConfiguration(characterNGrams: nil, minimumDocumentFrequency: 1)
        let trainer = ModelTrainer(algorithm: .logisticRegression(.init(inverseRegularization: 10)), features: configuration)
        let fit = trainer.fit(
            documents: ToyCorpus.documents(configuration), labels: ToyCorpus.labels, labelSet: ToyCorpus.labelSet)
        #expect(fit.summary.converged)
        let classifier = fit.classifier
        #expect(classifier.predict("what great fun").label == "good")
        #expect(classifier.predict("so awful and dull").label == "bad")
        #expect(classifier.predict("okay I guess").label == "meh")
        let probabilities = classifier.predict("great").probabilities
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5)
    }

    /// Two documents of class 0 ("a b", "a"), one of class 1 ("b c"), presence features.
    @Test func naturalNaiveBayesReproducesApparatusCounts() {
        let configuration = FeatureConfiguration.naturalBayes
        var featurizer = TextFeaturizer(configuration: configuration)
        let documents = ["apple banana", "apple", "banana cherry"].map { featurizer.termCounts(of: $0) }
        let labelSet = LabelSet(labels: [.init(value: "x", name: "x"), .init(value: "y", name: "y")])
        let trainer = ModelTrainer(algorithm: .naiveBayes(.init(variant: .natural)), features: configuration)
        let classifier = trainer.fit(documents: documents, labels: [0, 0, 1], labelSet: labelSet).classifier
        // "apple cherry": class x: prior (2+1)/3, apple (2+1)/(2+1), cherry (0+1)/(2+1);
        // class y: prior (1+1)/3, apple (0+1)/(1+1), cherry (1+1)/(1+1).
        let x = 3.0 / 3 * (3.0 / 3) * (1.0 / 3)
        let y = 2.0 / 3 * (1.0 / 2) * (2.0 / 2)
        let probabilities = classifier.predict("apple cherry").probabilities
        #expect(abs(Double(probabilities[0]) - x / (x + y)) < 1e-5)
        #expect(abs(Double(probabilities[1]) - y / (x + y)) < 1e-5)
    }

    @Test func multinomialNaiveBayesUsesSmoothedCounts() {
        let configuration = FeatureConfiguration(
            wordNGrams: NGramRange(1, 1), characterNGrams: nil, weighting: .counts, minimumDocumentFrequency: 1)
        var featurizer = TextFeaturizer(configuration: configuration)
        let documents = ["a a b", "b"].map { featurizer.termCounts(of: $0) }
        let labelSet = LabelSet(labels: [.init(value: "x", name: "x"), .init(value: "y", name: "y")])
        let trainer = ModelTrainer(algorithm: .naiveBayes(.init(variant: .multinomial, alpha: 1)), features: configuration)
        let classifier = trainer.fit(documents: documents, labels: [0, 1], labelSet: labelSet).classifier
        // P(a|x) = (2+1)/(3+2), P(a|y) = (0+1)/(1+2); equal priors.
        let x = 3.0 / 5
        let y = 1.0 / 3
        let probabilities = classifier.predict("a").probabilities
        #expect(abs(Double(probabilities[0]) - x / (x + y)) < 1e-5)
    }

    @Test func pipelineRefusesClassesSmallerThanTheFolds() {
        let trainer = ModelTrainer(
            algorithm: .naiveBayes(.init()), features: TrainingAlgorithm.naiveBayes(.init()).defaultFeatures)
        let pipeline = TrainingPipeline(trainer: trainer, folds: 5)
        let labelSet = LabelSet(labels: [.init(value: "a", name: "a"), .init(value: "b", name: "b")])
        #expect(throws: TrainingError.classTooSmallForFolds(label: "b", count: 3, folds: 5)) {
            try pipeline.run(
                texts: Array(repeating: "x", count: 13), labels: Array(repeating: 0, count: 10) + [1, 1, 1], labelSet: labelSet)
        }
    }

    @Test func pipelineReportsHoldoutAndCrossValidation() throws {
        let configuration = FeatureConfiguration(characterNGrams: nil, minimumDocumentFrequency: 1)
        let trainer = ModelTrainer(algorithm: .logisticRegression(.init(inverseRegularization: 10)), features: configuration)
        let outcome = try TrainingPipeline(trainer: trainer, folds: 3, holdoutFraction: 0.25, seed: 1)
            .run(texts: ToyCorpus.texts, labels: ToyCorpus.labels, labelSet: ToyCorpus.labelSet)
        let holdout = try #require(outcome.validation?.holdout)
        #expect(holdout.testCount == 15)
        #expect(holdout.metrics.accuracy == 1)
        let cross = try #require(outcome.validation?.crossValidation)
        #expect(cross.perFold.count == 3)
        #expect(cross.perFold.map(\.count).reduce(0, +) == 45)
    }
}
