/// Why a model artifact cannot be loaded or written, in words that tell the user what to do.
public enum ArtifactError: Error, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case missingFile(path: String, file: String)
    case unreadableManifest(path: String, reason: String)
    case notAMagpieModel(path: String)
    case newerFormat(path: String, found: Int, supported: Int)
    case checksumMismatch(path: String, file: String)
    case sizeMismatch(path: String, file: String, expected: Int, found: Int)
    case corruptWeights(path: String, reason: String)
    case outputIsNotAModel(path: String)
    case writeFailed(path: String, reason: String)
    case encoderMissing(path: String, encoder: String)
    case encoderUnreadable(path: String, file: String)
    case encoderChanged(path: String, encoder: String, file: String)
    case fineTunedEncoder(path: String)
    case ensemble(path: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): no model artifact here (expected a directory with manifest.json)"
        case .missingFile(let path, let file):
            return "\(path): the artifact lacks \(file); it is incomplete, train or copy it again"
        case .unreadableManifest(let path, let reason):
            return "\(path)/manifest.json: cannot be read as a Magpie manifest (\(reason))"
        case .notAMagpieModel(let path):
            return "\(path)/manifest.json: not a Magpie model manifest"
        case .newerFormat(let path, let found, let supported):
            return "\(path): artifact format \(found) is newer than this magpie supports (\(supported)); upgrade magpie"
        case .checksumMismatch(let path, let file):
            return "\(path)/\(file): SHA-256 does not match the manifest; the file is corrupt or was modified"
        case .sizeMismatch(let path, let file, let expected, let found):
            return "\(path)/\(file): \(found) bytes, the manifest says \(expected); the file is truncated or corrupt"
        case .corruptWeights(let path, let reason):
            return "\(path)/weights.bin: \(reason); the file is corrupt"
        case .outputIsNotAModel(let path):
            return "\(path): exists and is not a Magpie model; choose another --output or remove it"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write the artifact (\(reason))"
        case .encoderMissing(let path, let encoder):
            return
                "\(path): its encoder folder \(encoder) is missing; put the encoder back there, or retrain with --bundle-encoder"
        case .encoderUnreadable(let path, let file):
            return "\(path)/\(file): cannot be read"
        case .encoderChanged(let path, let encoder, let file):
            return
                "\(path): \(encoder)/\(file) differs from the encoder the model was trained on; restore that encoder or retrain"
        case .fineTunedEncoder(let path):
            return "\(path): a fine-tuned encoder, whose weights are in model.safetensors, not an n-gram model or an encoder head"
        case .ensemble(let path):
            return "\(path): an ensemble of other models, not an n-gram model or an encoder head"
        }
    }
}
