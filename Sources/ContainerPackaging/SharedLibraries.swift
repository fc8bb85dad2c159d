import Foundation
import LambdaPackaging

/// The files the dynamic loader needs to start an executable in an image built from scratch:
/// the loader itself at the path the executable names, and every `DT_NEEDED` library,
/// followed through the libraries' own needs, found where the loader would find them here
/// (the file's run path, then Debian's library folders). A release build
/// (scripts/build-release) needs only glibc's and GCC's runtime, about 5 MB; a debug build
/// also brings the Swift runtime, OpenBLAS and SQLite from its run path.
enum SharedLibraries {
    struct File: Equatable {
        /// Where the loader looks for it inside the image.
        var imagePath: String
        /// The file on this machine, symbolic links resolved.
        var source: URL
    }

    static func files(for executable: String) throws(ContainerPackagingError) -> (files: [File], architecture: String) {
        let binary = try read(executable)
        let (architecture, directories) = try searchPath(binary.machine, executable: executable)
        var files: [File] = []
        if let interpreter = binary.interpreter {
            guard let source = existing(interpreter) else { throw .libraryNotFound(interpreter, neededBy: executable) }
            files.append(File(imagePath: interpreter, source: source))
        }
        var pending = binary.neededLibraries.map { ($0, executable, runPaths(of: binary, at: executable)) }
        // The loader is loaded already when a library names it.
        var seen = Set(binary.interpreter.map { [URL(fileURLWithPath: $0).lastPathComponent] } ?? [])
        while let (library, neededBy, firstDirectories) = pending.popLast() {
            guard seen.insert(library).inserted else { continue }
            guard
                let found = (firstDirectories + directories).lazy.map({ $0 + "/" + library }).first(where: {
                    existing($0) != nil
                }),
                let source = existing(found)
            else { throw .libraryNotFound(library, neededBy: neededBy) }
            // Libraries from a run path go where the loader looks by default, beside glibc's.
            let imagePath =
                directories.contains(URL(fileURLWithPath: found).deletingLastPathComponent().path)
                ? found : directories[0] + "/" + library
            files.append(File(imagePath: imagePath, source: source))
            let dependency = try read(source.path)
            pending += dependency.neededLibraries.map { ($0, library, runPaths(of: dependency, at: source.path)) }
        }
        return (files.sorted { $0.imagePath < $1.imagePath }, architecture)
    }

    private static func read(_ path: String) throws(ContainerPackagingError) -> ELFExecutable {
        do { return try ELFExecutable(contentsOf: path) } catch { throw .notAnExecutable(path, reason: error.description) }
    }

    /// The OCI architecture, and Debian's library directories for the machine.
    private static func searchPath(_ machine: ELFExecutable.Machine, executable: String) throws(ContainerPackagingError)
        -> (String, [String])
    {
        let (architecture, triple) =
            switch machine {
            case .amd64: ("amd64", "x86_64-linux-gnu")
            case .arm64: ("arm64", "aarch64-linux-gnu")
            case .other(let number):
                throw ContainerPackagingError.notAnExecutable(
                    executable, reason: "ELF machine \(number) is neither x86_64 nor arm64")
            }
        return (architecture, ["/lib/\(triple)", "/usr/lib/\(triple)", "/lib64", "/usr/lib64", "/lib", "/usr/lib"])
    }

    /// The run path's folders, `$ORIGIN` replaced by the file's folder.
    private static func runPaths(of file: ELFExecutable, at path: String) -> [String] {
        let origin = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent().path
        return file.runPaths.map {
            $0.replacingOccurrences(of: "${ORIGIN}", with: origin).replacingOccurrences(of: "$ORIGIN", with: origin)
        }
    }

    private static func existing(_ path: String) -> URL? {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}
