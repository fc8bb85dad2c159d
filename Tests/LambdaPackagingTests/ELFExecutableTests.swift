import Foundation
import LambdaPackaging
import MagpieTestSupport
import Testing

/// The ELF reader against binutils' `readelf` on real executables of this machine, and on
/// files that are not executables at all.
@Suite struct ELFExecutableTests {
    /// `readelf -d` and `readelf -V`'s view of `path`: needed libraries, and versions by library.
    static func readelf(_ path: String) throws -> (needed: [String], versions: [String: [String]]) {
        func run(_ flag: String) throws -> String {
            try ChildProcess.run("/usr/bin/env", ["readelf", "-W", flag, path], errors: .inherit).output
        }
        let needed = try run("-d").split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
            line.split(separator: "[").last?.split(separator: "]").first.map(String.init)
        }
        var versions: [String: [String]] = [:]
        var library: String?
        var inNeeds = false
        for line in try run("-V").split(separator: "\n") {
            if line.hasPrefix("Version needs section") { inNeeds = true } else if line.hasPrefix("Version") { inNeeds = false }
            guard inNeeds else { continue }
            let fields = line.split(separator: " ")
            if let file = fields.firstIndex(of: "File:") { library = String(fields[file + 1]) }
            if let name = fields.firstIndex(of: "Name:"), let library {
                versions[library, default: []].append(String(fields[name + 1]))
            }
        }
        return (needed, versions.mapValues { $0.sorted() })
    }

    @Test(arguments: ["/bin/ls", "/usr/bin/python3", "/usr/bin/git"])
    func readsWhatReadelfReads(_ path: String) throws {
        let executable = try ELFExecutable(contentsOf: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
        let reference = try Self.readelf(path)
        #expect(!reference.needed.isEmpty)
        #expect(executable.neededLibraries == reference.needed)
        #expect(executable.requiredVersions == reference.versions)
        #expect(executable.machine == .amd64)
        #expect(executable.highestGlibcVersion != nil)
    }

    @Test func refusesFilesThatAreNotELFExecutables() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-elf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("bootstrap.sh").path
        try "#!/bin/sh\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(throws: PackagingError.notAnExecutable(script, reason: "it is not an ELF file")) {
            try ELFExecutable(contentsOf: script)
        }
        let truncated = directory.appendingPathComponent("truncated").path
        let head = try Data(contentsOf: URL(fileURLWithPath: "/bin/ls")).prefix(200)
        FileManager.default.createFile(atPath: truncated, contents: head)
        #expect(throws: PackagingError.notAnExecutable(truncated, reason: "its section table lies outside the file")) {
            try ELFExecutable(contentsOf: truncated)
        }
        let missing = directory.appendingPathComponent("missing").path
        #expect(throws: PackagingError.unreadable(missing)) { try ELFExecutable(contentsOf: missing) }
    }

    @Test func lambdaRefusesSwiftLinkedDynamicallyAndNewGlibc() throws {
        let dynamic = ELFExecutable(
            machine: .amd64, neededLibraries: ["libswiftCore.so", "libc.so.6", "libopenblas.so.0"],
            requiredVersions: ["libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.34"]])
        #expect(throws: PackagingError.needsLibraries("magpie", ["libswiftCore.so", "libopenblas.so.0"])) {
            try LambdaCompatibility.check(dynamic, path: "magpie")
        }
        let newGlibc = ELFExecutable(
            machine: .arm64, neededLibraries: ["libc.so.6", "libstdc++.so.6"],
            requiredVersions: ["libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.36", "GLIBC_2.4"]])
        #expect(throws: PackagingError.needsNewerGlibc("magpie", version: "2.36")) {
            try LambdaCompatibility.check(newGlibc, path: "magpie")
        }
        let fine = ELFExecutable(
            machine: .arm64, neededLibraries: ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"],
            requiredVersions: ["libc.so.6": ["GLIBC_2.17", "GLIBC_2.34"], "libstdc++.so.6": ["GLIBCXX_3.4.29"]])
        #expect(throws: Never.self) { try LambdaCompatibility.check(fine, path: "magpie") }
        #expect(try LambdaCompatibility.architecture(of: fine, path: "magpie") == "arm64")
        let riscv = ELFExecutable(machine: .other(243), neededLibraries: [], requiredVersions: [:])
        #expect(throws: PackagingError.unsupportedMachine("magpie", machine: 243)) {
            try LambdaCompatibility.check(riscv, path: "magpie")
        }
    }
}
