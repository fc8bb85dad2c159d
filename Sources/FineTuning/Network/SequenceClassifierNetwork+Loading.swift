import Classifiers
import Encoders
import Foundation

extension SequenceClassifierNetwork {
    /// Loads a Hugging Face folder for fine-tuning with `labelCount` classes: a bare encoder
    /// (all-MiniLM-L6-v2), or a `*ForSequenceClassification` checkpoint. Parts the checkpoint
    /// lacks (a pooler, or a classifier of another size) start as `transformers` starts them:
    /// weights from N(0, 0.02²), biases zero, drawn from `seed`. A network loaded without
    /// `trainable` has no room for gradients, which halves its memory: it is for attributions,
    /// whose backward pass needs only the inputs' gradients.
    public static func load(
        directory: URL, labelCount: Int, seed: UInt64 = 0, dropout: DropoutSettings? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, trainable: Bool = true
    ) throws(FineTuningError) -> SequenceClassifierNetwork {
        guard labelCount >= 2 else { throw .invalidSetting(name: "labels", reason: "a classifier needs at least 2 labels") }
        let configuration: EncoderConfiguration
        let file: SafetensorsFile
        do {
            configuration = try EncoderConfiguration(path: directory.appendingPathComponent("config.json").path)
            file = try SafetensorsFile(path: directory.appendingPathComponent("model.safetensors").path)
        } catch { throw .encoder(error) }
        let parameters = ParameterSet(
            ClassifierLayout.tensors(for: configuration, labelCount: labelCount), keepsGradients: trainable)
        let layout = ClassifierLayout(configuration: configuration, labelCount: labelCount, parameters: parameters)
        var generator = SeededGenerator(seed: seed)
        let optional = Set(
            [layout.headDense.weight, layout.headDense.bias, layout.classifier.weight, layout.classifier.bias].map(\.name))
        let prefix = ClassifierLayout.Names(configuration.family).prefix
        for parameter in parameters.parameters {
            let candidates =
                [parameter.name] + (parameter.name.hasPrefix(prefix) ? [String(parameter.name.dropFirst(prefix.count))] : [])
            let stored = candidates.first { name in file.entries[name]?.shape == parameter.shape }
            let target = UnsafeMutableBufferPointer(start: parameters.values + parameter.offset, count: parameter.count)
            if let stored {
                do { _ = target.initialize(from: try file.tensor(stored, shape: parameter.shape).values) } catch {
                    throw .encoder(error)
                }
            } else if optional.contains(parameter.name) {
                if parameter.decays { for index in target.indices { target[index] = 0.02 * generator.normal() } }
            } else {
                let found = candidates.compactMap { file.entries[$0]?.shape }.first
                throw .encoder(
                    found.map {
                        .tensorShapeMismatch(path: file.path, name: parameter.name, expected: parameter.shape, actual: $0)
                    }
                        ?? .missingTensor(path: file.path, name: parameter.name))
            }
        }
        return SequenceClassifierNetwork(
            layout: layout, parameters: parameters, dropout: dropout ?? configuration.dropout, threads: threads)
    }
}

extension SeededGenerator {
    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Float {
        let first = max(Double(next() >> 11) / Double(1 << 53), .leastNonzeroMagnitude)
        let second = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * Foundation.log(first)).squareRoot() * Foundation.cos(2 * Double.pi * second))
    }
}
