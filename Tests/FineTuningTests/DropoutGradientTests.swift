import Classifiers
import Encoders
import FineTuning
import Foundation
import MagpieTestSupport
import Testing

/// PyTorch's dropout draws from its own generator, so training steps with dropout cannot be
/// compared with its. They are compared with finite differences instead: with a fixed seed the
/// masks are fixed, the loss is a smooth function of the weights, and each gradient entry must
/// match the central difference of the loss.
@Suite struct DropoutGradientTests {
    @Test(arguments: ["bert-tiny-cls", "distilbert-tiny"])
    func gradientsWithDropoutMatchFiniteDifferences(model: String) throws {
        let directory = try ReferenceFiles.testVector(model)
        let dropout = DropoutSettings(hidden: 0.2, attention: 0.2, classifier: 0.2)
        let network = try SequenceClassifierNetwork.load(directory: directory, labelCount: 3, dropout: dropout, threads: 1)
        let sequences: [[Int32]] = [
            [101, 7592, 1010, 2088, 999, 102], [101, 2919, 102], [101, 1045, 3866, 2023, 2143, 2428, 102],
        ]
        let labels = [0, 2, 1]
        let seed: UInt64 = 11
        _ = try network.accumulateGradients(sequences: sequences, labels: labels, seed: seed)
        let analytic = Array(UnsafeBufferPointer(start: network.parameters.gradients, count: network.parameters.count))

        func loss() throws -> Double {
            network.parameters.zeroGradients()
            return Double(try network.accumulateGradients(sequences: sequences, labels: labels, seed: seed))
        }
        var generator = SeededGenerator(seed: 3)
        var checked = 0
        for parameter in network.parameters.parameters {
            // The entry with the largest gradient, and a random one.
            let slice = analytic[parameter.offset..<(parameter.offset + parameter.count)]
            let largest = slice.indices.max { abs(analytic[$0]) < abs(analytic[$1]) }!
            for index in [largest, parameter.offset + Int.random(in: 0..<parameter.count, using: &generator)] {
                let saved = network.parameters.values[index]
                let step: Float = 1e-2
                network.parameters.values[index] = saved + step
                let up = try loss()
                network.parameters.values[index] = saved - step
                let down = try loss()
                network.parameters.values[index] = saved
                let numeric = (up - down) / (2 * Double(step))
                let tolerance = 2e-3 + 0.05 * abs(numeric)
                #expect(
                    abs(Double(analytic[index]) - numeric) <= tolerance,
                    "\(parameter.name)[\(index - parameter.offset)]: \(analytic[index]) against \(numeric)")
                checked += 1
            }
        }
        #expect(checked == 2 * network.parameters.parameters.count)
    }
}
