/// What Lambda's `provided.al2023` runtime offers an executable: Amazon Linux 2023's glibc
/// 2.34 and the GCC runtime libraries, nothing else. A binary needing more (the Swift runtime
/// linked dynamically, OpenBLAS, SQLite, zlib) or a newer glibc fails at start-up in Lambda,
/// where the only sign is an init error in CloudWatch, so packaging checks it first.
public enum LambdaCompatibility {
    /// The libraries of glibc and GCC's runtime, present in every Amazon Linux 2023 image.
    public static let systemLibraries: Set<String> = [
        "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
        "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libgcc_s.so.1", "libstdc++.so.6",
    ]
    /// Amazon Linux 2023's glibc.
    public static let glibcVersion = [2, 34]

    /// Lambda's `Architectures` value for the executable's machine.
    public static func architecture(of executable: ELFExecutable, path: String) throws(PackagingError) -> String {
        switch executable.machine {
        case .amd64: "x86_64"
        case .arm64: "arm64"
        case .other(let machine): throw .unsupportedMachine(path, machine: machine)
        }
    }

    /// Throws when Lambda could not start the executable.
    public static func check(_ executable: ELFExecutable, path: String) throws(PackagingError) {
        _ = try architecture(of: executable, path: path)
        let missing = executable.neededLibraries.filter { !systemLibraries.contains($0) }
        guard missing.isEmpty else { throw .needsLibraries(path, missing) }
        if let highest = executable.highestGlibcVersion, glibcVersion.lexicographicallyPrecedes(highest) {
            throw .needsNewerGlibc(path, version: highest.map(String.init).joined(separator: "."))
        }
    }
}
