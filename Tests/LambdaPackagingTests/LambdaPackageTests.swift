import Classifiers
import Foundation
import LambdaPackaging
import MagpieTestSupport
import Testing

/// What `magpie package lambda` refuses to package, and why, before anything is written.
@Suite struct LambdaPackageTests {
    /// This test binary: linked to the Swift runtime dynamically, as debug builds are.
    static let dynamicExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-package-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func package(models: [String], executable: String = dynamicExecutable, appName: String = "magpie")
        -> LambdaPackage
    {
        LambdaPackage(executable: executable, models: models, configuration: nil, database: nil, appName: appName)
    }

    @Test func refusesAnExecutableLambdaCouldNotStart() throws {
        let output = try Self.temporaryDirectory().appendingPathComponent("dist").path
        do {
            _ = try Self.package(models: [ModelFixture.artifact]).write(to: output)
            Issue.record("a dynamically linked test binary was packaged")
        } catch {
            guard case .needsLibraries(let path, let libraries) = error else {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(path == Self.dynamicExecutable)
            #expect(libraries.contains { $0.hasPrefix("libswiftCore") })
            #expect(error.description.contains("scripts/build-release magpie"))
        }
        #expect(!FileManager.default.fileExists(atPath: output + "/function.zip"))
    }

    /// An image carries its own libraries, so even this dynamically linked binary may run in
    /// one; the template then names the image, and the models are the image's, not the zip's.
    @Test func anImageTemplateNamesTheImageAndShipsNoZip() throws {
        let output = try Self.temporaryDirectory().appendingPathComponent("dist").path
        let summary = try LambdaPackage(
            executable: Self.dynamicExecutable, models: [ModelFixture.artifact], configuration: nil, database: nil,
            appName: "magpie", image: true
        ).write(to: output)
        #expect(summary.archive == nil)
        #expect(!FileManager.default.fileExists(atPath: output + "/function.zip"))
        let template = try String(contentsOfFile: summary.template, encoding: .utf8)
        #expect(template.contains("PackageType: Image"))
        #expect(template.contains("ImageUri: !Ref ImageUri"))
        #expect(template.contains("  ImageUri:\n    Type: String"))
        #expect(!template.contains("CodeUri"))
        #expect(!template.contains("MAGPIE_MODELS"))
        #expect(template.contains("DeploymentPreference"), "the canary alias is as the zip template has it")

        let database = try Self.temporaryDirectory().appendingPathComponent("keys.sqlite").path
        _ = FileManager.default.createFile(atPath: database, contents: Data())
        #expect(throws: PackagingError.imageCarriesNoFiles(database)) {
            try LambdaPackage(
                executable: Self.dynamicExecutable, models: [ModelFixture.artifact], api: .http, configuration: nil,
                database: database, appName: "magpie", image: true
            ).write(to: output)
        }
    }

    @Test func refusesMissingDuplicateAndCorruptModels() throws {
        let directory = try Self.temporaryDirectory()
        let output = directory.appendingPathComponent("dist").path
        #expect(throws: PackagingError.noModels) { try Self.package(models: []).write(to: output) }

        let missing = directory.appendingPathComponent("nothing").path
        #expect(throws: PackagingError.invalidModel(missing, reason: ArtifactError.notFound(path: missing).description)) {
            try Self.package(models: [missing]).write(to: output)
        }

        let copy = directory.appendingPathComponent("copy").path
        try FileManager.default.copyItem(atPath: ModelFixture.artifact, toPath: copy)
        #expect(throws: PackagingError.duplicateModel("hate-speech", first: ModelFixture.artifact, second: copy)) {
            try Self.package(models: [ModelFixture.artifact, copy]).write(to: output)
        }

        let weights = URL(fileURLWithPath: copy).appendingPathComponent(ModelArtifact.weightsFile)
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: weights)
        #expect(
            throws: PackagingError.invalidModel(
                copy, reason: ArtifactError.checksumMismatch(path: copy, file: ModelArtifact.weightsFile).description)
        ) { try Self.package(models: [copy]).write(to: output) }
    }

    @Test func refusesAnEncoderHeadWithoutItsEncoder() throws {
        let head = try EncoderHeadFixture.artifact()
        let output = try Self.temporaryDirectory().appendingPathComponent("dist").path
        #expect(throws: PackagingError.encoderNotBundled(head)) { try Self.package(models: [head]).write(to: output) }
    }

    @Test func refusesAnOutputFolderHoldingOtherFilesAndBadAppNames() throws {
        let directory = try Self.temporaryDirectory()
        try "keep me".write(to: directory.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        #expect(throws: PackagingError.outputNotEmpty(directory.path)) {
            try Self.package(models: [ModelFixture.artifact]).write(to: directory.path)
        }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("notes.txt").path))
        for name in ["Magpie", "1magpie", "mag_pie", "", String(repeating: "a", count: 41)] {
            #expect(throws: PackagingError.invalidName(name, what: "--app-name")) {
                try Self.package(models: [ModelFixture.artifact], appName: name).write(to: directory.path + "/dist")
            }
        }
    }
}
