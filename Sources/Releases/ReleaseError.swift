/// Why a release operation or a version choice was refused, worded for the person who asked.
public enum ReleaseError: Error, Equatable, CustomStringConvertible {
    case unknownModel(String, known: [String])
    case unknownVersion(model: String, version: String, known: [Int])
    case invalidWeight(Int)
    case alreadyStable(model: String, version: Int)
    case nothingToRollBack(model: String)

    public var description: String {
        switch self {
        case .unknownModel(let name, let known):
            return "no versioned model named '\(name)' (models: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .unknownVersion(let model, let version, let known):
            return
                "model '\(model)' has no version '\(version)' (versions: \(known.map(String.init).joined(separator: ", ")))"
        case .invalidWeight(let weight):
            return "weight \(weight) is out of range; give a percentage from 1 to 100"
        case .alreadyStable(let model, let version):
            return "version \(version) is already the stable version of '\(model)'"
        case .nothingToRollBack(let model):
            return "'\(model)' has no canary and no earlier stable version to roll back to"
        }
    }
}
