import LambdaPackaging

/// Why `magpie package container` or `package sagemaker-model` refused to write, with what
/// to do about it.
public enum ContainerPackagingError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    /// A `--model` the packages share checks on refused (`PackagedModels`).
    case model(PackagingError)
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
        case .model(let error):
            error.description
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
