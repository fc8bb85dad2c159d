import Encoders

/// Why a fine-tuning run cannot start or go on, with what to change.
public enum FineTuningError: Error, CustomStringConvertible, Equatable {
    case encoder(EncoderError)
    case unknownLabel(index: Int, label: Int, labelCount: Int)
    case emptyBatch
    case invalidSetting(name: String, reason: String)
    case writeFailed(path: String, reason: String)
    case checkpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case .encoder(let error):
            return error.description
        case .unknownLabel(let index, let label, let labelCount):
            return "example \(index) has label id \(label); the classifier has \(labelCount) labels (0..<\(labelCount))"
        case .emptyBatch:
            return "a training batch needs at least one example"
        case .invalidSetting(let name, let reason):
            return "--\(name): \(reason)"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .checkpoint(let path, let reason):
            return "cannot resume from the checkpoint \(path): \(reason)"
        }
    }
}
