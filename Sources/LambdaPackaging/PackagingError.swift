/// Why `magpie package lambda` refused to write a package, with what to do about it.
public enum PackagingError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case notAnExecutable(String, reason: String)
    case unsupportedMachine(String, machine: UInt16)
    case needsLibraries(String, [String])
    case needsNewerGlibc(String, version: String)
    case noModels
    case invalidModel(String, reason: String)
    case duplicateModel(String, first: String, second: String)
    case encoderNotBundled(String)
    case missingFile(String, role: String)
    case outputNotEmpty(String)
    case tooLarge(bytes: Int64)
    case invalidName(String, what: String)
    case writeFailed(String, reason: String)
    case invalidRemote(String, reason: String)
    case remoteNameTaken(String)
    case invalidConfiguration(String, reason: String)
    case keysNeeded
    case keyStoreNeedsHTTPAPI
    case databaseWithKeyTable
    case imageCarriesNoFiles(String)

    public var description: String {
        switch self {
        case .unreadable(let path):
            "\(path): cannot be read"
        case .notAnExecutable(let path, let reason):
            "\(path) cannot be the function's bootstrap: \(reason)"
        case .unsupportedMachine(let path, let machine):
            "\(path) is built for ELF machine \(machine); Lambda runs x86_64 and arm64 only"
        case .needsLibraries(let path, let libraries):
            "\(path) needs \(libraries.joined(separator: ", ")), which Lambda's provided.al2023 runtime does not have; "
                + "package a release build linked statically (scripts/build-release magpie) or pass it with --executable"
        case .needsNewerGlibc(let path, let version):
            "\(path) needs glibc \(version), newer than Amazon Linux 2023's 2.34; build it on a system with glibc 2.34 or older"
        case .noModels:
            "no models to package; name each artifact folder with --model DIR"
        case .invalidModel(let path, let reason):
            "--model \(path): \(reason)"
        case .duplicateModel(let name, let first, let second):
            "--model \(first) and --model \(second) are both named '\(name)'; a package serves each name once"
        case .encoderNotBundled(let path):
            "--model \(path) is an encoder head whose encoder lives outside it; retrain it with --bundle-encoder so the package carries the encoder"
        case .missingFile(let path, let role):
            "\(role) \(path) does not exist"
        case .outputNotEmpty(let path):
            "--output \(path) already holds files other than a package's; choose an empty or new folder"
        case .tooLarge(let bytes):
            "the function unzips to \(bytes / 1_000_000) MB; Lambda's limit is 250 MB (bundle fewer or smaller models)"
        case .invalidName(let value, let what):
            "\(what) '\(value)' must start with a lowercase letter and hold only lowercase letters, digits and hyphens (at most 40)"
        case .writeFailed(let path, let reason):
            "cannot write \(path): \(reason)"
        case .invalidRemote(let option, let reason):
            "--remote \(option): \(reason)"
        case .remoteNameTaken(let name):
            "--remote \(name)=...: a packaged model or the --config file already serves '\(name)'; choose another name"
        case .invalidConfiguration(let path, let reason):
            "--config \(path): \(reason)"
        case .keysNeeded:
            "--api http has no API Gateway keys or usage plans, so the function checks Magpie's own keys "
                + "(MAGPIE_KEY_CHECK=on); keep them in a DynamoDB table the stack creates with --key-store dynamodb, "
                + "or ship them with --database FILE (made with `magpie plans create --database FILE ...` and `magpie keys create --database FILE ...`)"
        case .keyStoreNeedsHTTPAPI:
            "--key-store dynamodb is for --api http; behind the REST API, API Gateway's keys and usage plan do the checking"
        case .databaseWithKeyTable:
            "--database ships a key file, --key-store dynamodb keeps keys in the stack's table; give one of them "
                + "(after deploying, add plans and keys with `magpie plans create --database dynamodb://TABLE ...`)"
        case .imageCarriesNoFiles(let file):
            "--image ships models only; \(file) has no place in the image: keep keys in the stack's table (--api http --key-store dynamodb) "
                + "and settings in MAGPIE_* environment variables"
        }
    }
}
