/// Why `magpie package container` or `package sagemaker-model` refused to write, with what
/// to do about it.
public enum ContainerPackagingError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case noModels
    case invalidModel(String, reason: String)
    case duplicateModel(String, first: String, second: String)
    case encoderNotBundled(String)
    case libraryNotFound(String, neededBy: String)
    case notAnExecutable(String, reason: String)
    case pathTooLong(String)
    case invalidTag(String)
    case outputExists(String)
    case writeFailed(String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path):
            "\(path): cannot be read"
        case .noModels:
            "no models to package; name each artifact folder with --model DIR"
        case .invalidModel(let path, let reason):
            "--model \(path): \(reason)"
        case .duplicateModel(let name, let first, let second):
            "--model \(first) and --model \(second) are both named '\(name)'; an image serves each name once"
        case .encoderNotBundled(let path):
            "--model \(path) is an encoder head whose encoder lives outside it; retrain it with --bundle-encoder so the image carries the encoder"
        case .libraryNotFound(let library, let executable):
            "\(executable) needs \(library), which is not in /lib or /usr/lib here; install it or package a release build (scripts/build-release magpie)"
        case .notAnExecutable(let path, let reason):
            "\(path) cannot run in the image: \(reason)"
        case .pathTooLong(let path):
            "\(path): too long for a tar entry (at most 255 bytes, split at a '/' into 155 and 100); use shorter model names"
        case .invalidTag(let tag):
            "--tag \(tag): expected NAME:VERSION, lowercase letters, digits, '.', '_', '-' and '/' in the name"
        case .outputExists(let path):
            "--output \(path) exists and is not an image archive; choose a new file"
        case .writeFailed(let path, let reason):
            "cannot write \(path): \(reason)"
        }
    }
}
