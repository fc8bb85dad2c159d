import Classifiers
import Encoders
import FineTuning
import Foundation
import MagpieTestSupport
import Testing

/// Integrated gradients are right when the tokens' shares add up to the score's difference
/// between the text and its baseline (completeness), up to the quadrature's error, which
/// must shrink as steps grow; that only holds when every gradient on the path is right. The
/// scores at both ends must be the inference encoder's. DistilBERT's head has a ReLU, whose
/// kinks make the path's integrand jump, so its quadrature converges more slowly (0.1% of
/// the difference at 300 steps, against 0.003% for BERT's tanh).
@Suite struct IntegratedGradientsTests {
    static func randomSequence(length: Int, generator: inout SeededGenerator) -> [Int32] {
        [101] + (0..<(length - 2)).map { _ in Int32.random(in: 1000..<30_000, using: &generator) } + [102]
    }

    static func baseline(of ids: [Int32]) -> [Int32] {
        [ids[0]] + Array(repeating: 0, count: ids.count - 2) + [ids[ids.count - 1]]
    }

    @Test(arguments: ["bert-tiny-cls", "distilbert-tiny"])
    func classifierLogitSharesAddUpToTheLogitsDifference(model: String) throws {
        let directory = try ReferenceFiles.testVector(model)
        let encoder = try TransformerEncoder(directory: directory)
        let network = try SequenceClassifierNetwork.load(
            directory: directory, labelCount: encoder.classCount ?? 0, dropout: DropoutSettings.none, threads: 2,
            trainable: false)
        var generator = SeededGenerator(seed: 7)
        for (length, label) in [(9, 0), (24, 1), (40, 1)] {
            let ids = Self.randomSequence(length: length, generator: &generator)
            let baseline = Self.baseline(of: ids)
            let fine = try network.integratedGradients(
                of: ids, baseline: baseline, score: .classifierLogit(label: label), steps: 300)
            let coarse = try network.integratedGradients(
                of: ids, baseline: baseline, score: .classifierLogit(label: label), steps: 2)
            let logits = try encoder.logits(of: [ids, baseline])
            #expect(abs(fine.score - Double(logits[0][label])) < 1e-4)
            #expect(abs(fine.baselineScore - Double(logits[1][label])) < 1e-4)
            let difference = abs(fine.score - fine.baselineScore)
            #expect(difference > 1e-3, "a random text should move the logit")
            let tolerance = model == "bert-tiny-cls" ? 2e-4 : 5e-3
            #expect(fine.completenessError < tolerance * difference, "\(fine.completenessError) of \(difference)")
            #expect(fine.completenessError <= coarse.completenessError)
            #expect(fine.scores.first == 0 && fine.scores.last == 0, "[CLS] and [SEP] are the baseline's own")
            #expect(fine.scores.count == length)
        }
    }

    @Test(arguments: [(Pooling.mean, true), (Pooling.mean, false), (Pooling.cls, true)])
    func pooledHeadSharesAddUpToTheScoresDifference(pooling: Pooling, normalizes: Bool) throws {
        let directory = try ReferenceFiles.testVector("bert-tiny-cls")
        let network = try SequenceClassifierNetwork.load(
            directory: directory, labelCount: 2, dropout: DropoutSettings.none, threads: 1, trainable: false)
        let encoder = try TransformerEncoder(directory: directory)
        var generator = SeededGenerator(seed: 11)
        let size = encoder.configuration.hiddenSize
        let weights = (0..<size).map { _ in Float.random(in: -1...1, using: &generator) }
        let score = AttributedScore.pooledLinear(pooling: pooling, normalizes: normalizes, weights: weights, bias: 0.25)
        let ids = Self.randomSequence(length: 30, generator: &generator)
        let attribution = try network.integratedGradients(
            of: ids, baseline: Self.baseline(of: ids), score: score, steps: 300, rowsPerPass: 200)
        let pooled = pooling.pool(try encoder.hiddenStates(of: [ids])[0], normalize: normalizes)[0]
        let expected = 0.25 + zip(weights, pooled).reduce(0) { $0 + Double($1.0 * $1.1) }
        #expect(abs(attribution.score - expected) < 1e-4)
        let difference = abs(attribution.score - attribution.baselineScore)
        #expect(attribution.completenessError < max(2e-3 * difference, 1e-4), "\(attribution.completenessError) of \(difference)")
    }

    @Test func aBaselineOfAnotherLengthIsRefused() throws {
        let network = try SequenceClassifierNetwork.load(
            directory: try ReferenceFiles.testVector("bert-tiny-cls"), labelCount: 2, dropout: DropoutSettings.none,
            trainable: false)
        #expect(throws: FineTuningError.self) {
            try network.integratedGradients(of: [101, 2000, 102], baseline: [101, 102], score: .classifierLogit(label: 0))
        }
    }
}
