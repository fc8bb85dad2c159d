import Classifiers
import Foundation

/// A deployable Lambda function: `function.zip` (the `bootstrap` executable, the models under
/// `models/NAME/`, and an optional serve configuration and key database) and `template.yaml`
/// beside it, ready for `sam deploy`. Models may also be SageMaker endpoints the function calls.
public struct LambdaPackage: Sendable {
    /// The executable to ship as `bootstrap`: a release build linked statically.
    public var executable: String
    /// Artifact folders, each served under its manifest's name.
    public var models: [String]
    /// Models served by calling SageMaker endpoints in the stack's account and region.
    public var remotes: [SageMakerProxy]
    /// The API Gateway flavour in front; `.http` needs `database` or `keyStore == .dynamoDB`,
    /// since the function then checks keys.
    public var api: SAMTemplate.API
    /// Where the function finds keys and counts quotas behind an HTTP API.
    public var keyStore: KeyStoreKind
    /// A `magpie serve` YAML file (routes, model settings), shipped as `magpie.yaml`.
    public var configuration: String?
    /// A key database, shipped as `magpie.sqlite` for `MAGPIE_KEY_CHECK=on` behind an HTTP
    /// API or a Function URL; behind the template's REST API, API Gateway checks keys.
    public var database: String?
    public var appName: String
    /// Adds the models bucket and the training function (`SAMTemplate.retrain`).
    public var retrain: Bool
    /// A Lambda container image instead of a zip: the template takes the image's URI, and the
    /// models travel in the image (`magpie package container`), where 10 GB fit instead of 250 MB.
    public var image: Bool

    /// Where a function behind an HTTP API keeps keys and quota counters.
    public enum KeyStoreKind: String, Sendable, CaseIterable {
        /// The `--database` file shipped in the zip: each execution environment counts on its
        /// own copy, so quotas multiply with the number of environments.
        case sqlite
        /// A DynamoDB table the template creates: one exact quota across every environment.
        case dynamoDB = "dynamodb"
    }

    /// Lambda's limit on a function's unzipped code.
    public static let unzippedLimit: Int64 = 262_144_000

    public init(
        executable: String, models: [String], remotes: [SageMakerProxy] = [], api: SAMTemplate.API = .rest,
        keyStore: KeyStoreKind = .sqlite, configuration: String?, database: String?, appName: String, retrain: Bool = false,
        image: Bool = false
    ) {
        self.retrain = retrain
        self.image = image
        self.executable = executable
        self.models = models
        self.remotes = remotes
        self.api = api
        self.keyStore = keyStore
        self.configuration = configuration
        self.database = database
        self.appName = appName
    }

    public struct Summary: Sendable {
        /// `function.zip`; nil for a container image's template.
        public var archive: String?
        public var template: String
        public var models: [String]
        public var architecture: String
        public var zippedBytes: Int64
        public var unzippedBytes: Int64
    }

    /// Checks everything, then writes `function.zip` and `template.yaml` into `output`,
    /// replacing an earlier package there.
    public func write(to output: String) throws(PackagingError) -> Summary {
        guard Self.isValidName(appName) else { throw .invalidName(appName, what: "--app-name") }
        let directory = URL(fileURLWithPath: output)
        try Self.refuseForeignFiles(in: directory)
        guard !models.isEmpty || !remotes.isEmpty else { throw .noModels }
        if image, let file = configuration ?? database { throw .imageCarriesNoFiles(file) }
        switch (keyStore, api) {
        case (.sqlite, .http) where database == nil: throw .keysNeeded
        case (.dynamoDB, .rest): throw .keyStoreNeedsHTTPAPI
        case (.dynamoDB, _) where database != nil: throw .databaseWithKeyTable
        default: break
        }
        var entries = [
            FunctionArchive.Entry(path: "bootstrap", source: .file(URL(fileURLWithPath: executable)), executable: true)
        ]
        let names = try PackagedModels(paths: models, allowNone: true).folders
        for (name, path) in names.sorted(by: { $0.key < $1.key }) {
            entries += try FunctionArchive.entries(under: URL(fileURLWithPath: path), prefix: "models/" + name)
        }
        for remote in remotes where names[remote.name] != nil { throw .remoteNameTaken(remote.name) }
        // An image sets MAGPIE_MODELS itself, to the folder its models are in.
        var environment: [(name: String, value: String)] = image ? [] : [("MAGPIE_MODELS", "models")]
        if let merged = try FunctionConfiguration.text(
            configurationFile: configuration, localModels: names.keys.sorted(), remotes: remotes)
        {
            entries.append(FunctionArchive.Entry(path: "magpie.yaml", source: .bytes(Data(merged.utf8)), executable: false))
            environment.append(("MAGPIE_CONFIG", "magpie.yaml"))
        } else if let configuration {
            entries.append(try Self.entry(configuration, as: "magpie.yaml", role: "--config"))
            environment.append(("MAGPIE_CONFIG", "magpie.yaml"))
        }
        if api == .http { environment.append(("MAGPIE_KEY_CHECK", "on")) }
        if let database { entries.append(try Self.entry(database, as: "magpie.sqlite", role: "--database")) }
        let binary = try ELFExecutable(contentsOf: executable)
        // An image carries the libraries the executable needs; a zip has only provided.al2023's.
        if !image { try LambdaCompatibility.check(binary, path: executable) }
        let architecture = try LambdaCompatibility.architecture(of: binary, path: executable)

        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed(directory.path, reason: "\(error)")
        }
        var archive: URL?
        var unzipped: Int64 = 0
        if !image {
            let zip = directory.appendingPathComponent("function.zip")
            unzipped = try FunctionArchive.write(entries, to: zip)
            guard unzipped <= Self.unzippedLimit else {
                try? FileManager.default.removeItem(at: zip)
                throw .tooLarge(bytes: unzipped)
            }
            archive = zip
        }
        let template = directory.appendingPathComponent("template.yaml")
        let served = (names.keys + remotes.map(\.name)).sorted()
        let text = SAMTemplate(
            api: api, architecture: architecture, models: served, sageMakerEndpoints: remotes.map(\.endpoint),
            keyTable: keyStore == .dynamoDB, environment: environment, defaultAppName: appName, retrain: retrain,
            image: image
        ).text
        do { try text.write(to: template, atomically: true, encoding: .utf8) } catch {
            throw .writeFailed(template.path, reason: "\(error)")
        }
        let zipped = archive.flatMap { (try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int64) ?? nil }
        return Summary(
            archive: archive?.path, template: template.path, models: served, architecture: architecture,
            zippedBytes: zipped ?? 0, unzippedBytes: unzipped)
    }

    static func entry(_ path: String, as name: String, role: String) throws(PackagingError) -> FunctionArchive.Entry {
        guard FileManager.default.fileExists(atPath: path) else { throw .missingFile(path, role: role) }
        return FunctionArchive.Entry(path: name, source: .file(URL(fileURLWithPath: path)), executable: false)
    }

    /// The output folder may be new, empty, or an earlier package: never someone's other files.
    static func refuseForeignFiles(in directory: URL) throws(PackagingError) {
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard Set(existing).isSubset(of: ["function.zip", "image.tar", "template.yaml", "samconfig.toml", ".aws-sam"]) else {
            throw .outputNotEmpty(directory.path)
        }
    }

    /// CloudFormation names built from it (API, function, alarms) allow letters, digits and hyphens.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 40, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
