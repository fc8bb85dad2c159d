import Digests
import Foundation
import LambdaPackaging
import MagpieTestSupport
import Testing

@testable import ContainerPackaging

/// The layer and the image archive, read back by GNU tar (what podman's storage and
/// SageMaker's unpacking amount to), and what `package container` refuses before writing.
@Suite struct ArchiveFormatTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-oci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `tar` with `arguments`, its output as text.
    static func tar(_ arguments: [String]) throws -> String {
        let process = try ChildProcess(executable: "/bin/tar", arguments: arguments, output: .pipe, errors: .sameAsOutput)
        let output = String(decoding: process.output!.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.waitForExit() == .exited(0), "\(output)")
        return output
    }

    @Test func tarReadsEveryEntryWithItsModeOwnerAndLongPath() throws {
        let directory = try Self.temporaryDirectory()
        let long = "opt/magpie/models/" + String(repeating: "a", count: 90) + "/encoder/" + String(repeating: "b", count: 60)
        let source = directory.appendingPathComponent("source.bin")
        let contents = Data((0..<1_500_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try contents.write(to: source)
        var writer = try TarWriter(creating: directory.appendingPathComponent("layer.tar"))
        try writer.addDirectory("home/magpie", mode: 0o755, owner: 10_001)
        try writer.addDirectory("tmp", mode: 0o1777)
        try writer.addFile("usr/local/bin/magpie", from: source, mode: 0o755)
        try writer.addFile(long, contents: Data("weights".utf8))
        try writer.addSymbolicLink("lib64/ld.so", to: "/lib/x86_64-linux-gnu/ld.so")
        let blob = try writer.finish()

        let written = try Data(contentsOf: directory.appendingPathComponent("layer.tar"))
        #expect(blob.size == Int64(written.count))
        #expect(written.count % 512 == 0)
        #expect(blob.digest == "sha256:" + sha256Hex(written))

        let listing = try Self.tar(["-tvf", directory.appendingPathComponent("layer.tar").path, "--numeric-owner"])
        let lines = listing.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(listing)")
        #expect(lines[0].hasPrefix("drwxr-xr-x 10001/10001") && lines[0].hasSuffix("home/magpie/"), "\(lines[0])")
        #expect(lines[1].hasPrefix("drwxrwxrwt 0/0"), "\(lines[1])")
        #expect(lines[2].hasPrefix("-rwxr-xr-x 0/0") && lines[2].contains("1500000 1970-01-01"), "\(lines[2])")
        #expect(lines[3].hasSuffix(long), "\(lines[3])")
        #expect(lines[4].hasSuffix("lib64/ld.so -> /lib/x86_64-linux-gnu/ld.so"), "\(lines[4])")

        let unpacked = directory.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        _ = try Self.tar(["-xf", directory.appendingPathComponent("layer.tar").path, "-C", unpacked.path])
        #expect(try Data(contentsOf: unpacked.appendingPathComponent("usr/local/bin/magpie")) == contents)
        #expect(try String(contentsOf: unpacked.appendingPathComponent(long), encoding: .utf8) == "weights")
    }

    @Test func aPathNoSplitCanHoldIsRefused() throws {
        let name = String(repeating: "n", count: 120)
        #expect(throws: ContainerPackagingError.pathTooLong(name)) { try TarWriter.split(name) }
        let deep = String(repeating: "d", count: 160) + "/file"
        #expect(throws: ContainerPackagingError.pathTooLong(deep)) { try TarWriter.split(deep) }
        #expect(try TarWriter.split("short/name") == ("", "short/name"))
    }

    @Test func theArchiveIsAnOCILayoutWhoseBlobsMatchTheirDigests() throws {
        let directory = try Self.temporaryDirectory()
        var layer = try TarWriter(creating: directory.appendingPathComponent("layer.tar"))
        try layer.addFile("hello.txt", contents: Data("hello".utf8))
        let layerBlob = try layer.finish()
        let output = directory.appendingPathComponent("image.tar")
        let size = try OCIArchive.write(
            layer: directory.appendingPathComponent("layer.tar"), layerBlob: layerBlob,
            configuration: Data(#"{"architecture":"amd64","os":"linux"}"#.utf8), annotations: ["a": "b"], tag: "magpie:1",
            to: output)
        #expect(OCIArchive.isImageArchive(output))
        #expect(!OCIArchive.isImageArchive(directory.appendingPathComponent("layer.tar")))

        let unpacked = directory.appendingPathComponent("layout")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        _ = try Self.tar(["-xf", output.path, "-C", unpacked.path])
        let index =
            try JSONSerialization.jsonObject(with: Data(contentsOf: unpacked.appendingPathComponent("index.json")))
            as? [String: Any]
        let entry = try #require((index?["manifests"] as? [[String: Any]])?.first)
        #expect((entry["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == "magpie:1")
        var total: Int64 = 0
        let blobs = unpacked.appendingPathComponent("blobs/sha256")
        for name in try FileManager.default.contentsOfDirectory(atPath: blobs.path) {
            let data = try Data(contentsOf: blobs.appendingPathComponent(name))
            #expect(sha256Hex(data) == name, "a blob must be stored under its own digest")
            total += Int64(data.count)
        }
        #expect(total == size)
        let manifestDigest = try #require(entry["digest"] as? String)
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: blobs.appendingPathComponent(String(manifestDigest.dropFirst(7))))) as? [String: Any]
        #expect((manifest?["layers"] as? [[String: Any]])?.first?["digest"] as? String == layerBlob.digest)
    }

    @Test func refusesBadTagsMissingModelsAndForeignOutputs() throws {
        for tag in ["magpie", "Magpie:1", "magpie:", ":1", "magpie:1:2", "magpie:v 1"] {
            #expect(!ContainerImage.isValidTag(tag), "\(tag)")
        }
        for tag in ["magpie:1", "team/magpie:2026-12-05", "magpie:v1.2_rc"] { #expect(ContainerImage.isValidTag(tag), "\(tag)") }

        let directory = try Self.temporaryDirectory()
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        #expect(throws: ContainerPackagingError.model(.noModels)) {
            try ContainerImage(executable: executable, models: [], tag: "magpie:1", magpieVersion: "0").write(
                to: directory.appendingPathComponent("image.tar").path)
        }
        let foreign = directory.appendingPathComponent("notes.txt")
        try Data("mine".utf8).write(to: foreign)
        #expect(throws: ContainerPackagingError.outputExists(foreign.path)) {
            try ContainerImage(executable: executable, models: [ModelFixture.artifact], tag: "magpie:1", magpieVersion: "0")
                .write(to: foreign.path)
        }
        #expect(try Data(contentsOf: foreign) == Data("mine".utf8))
        #expect(throws: ContainerPackagingError.outputExists(foreign.path)) {
            try SageMakerModelArchive(models: [ModelFixture.artifact]).write(to: foreign.path)
        }
    }

    /// A debug test binary needs the Swift runtime from its run path; the image puts those
    /// libraries beside glibc's, where the loader looks by default.
    @Test func librariesFromARunPathGoBesideGlibc() throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let (files, architecture) = try SharedLibraries.files(for: executable)
        #expect(architecture == "amd64")
        let paths = files.map(\.imagePath)
        #expect(paths.contains("/lib64/ld-linux-x86-64.so.2"))
        #expect(paths.filter { $0.hasSuffix("/ld-linux-x86-64.so.2") }.count == 1, "\(paths)")
        #expect(paths.contains("/lib/x86_64-linux-gnu/libc.so.6"))
        #expect(paths.contains("/lib/x86_64-linux-gnu/libswiftCore.so"), "\(paths)")
        #expect(Set(paths).count == paths.count)
    }
}
