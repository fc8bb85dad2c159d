import Foundation

/// The image's one layer: everything a Magpie container has, and nothing else (no shell, no
/// package manager): the binary, the loader and libraries it needs, CA certificates for AWS's
/// HTTPS endpoints, `/etc/passwd` naming the non-root user, the models, and writable `/tmp`,
/// home and `/opt/ml` folders for that user.
struct RootFilesystem {
    var executable: String
    var libraries: [SharedLibraries.File]
    /// Model name → artifact folder.
    var models: [String: String]

    func write(into tar: inout TarWriter) throws(ContainerPackagingError) {
        let user = ContainerImage.Paths.userID
        var directories = Set<String>()
        func parents(of path: String) throws(ContainerPackagingError) {
            var current = ""
            for component in path.split(separator: "/").dropLast() {
                current += "/" + component
                if directories.insert(current).inserted { try tar.addDirectory(String(current.dropFirst())) }
            }
        }
        func add(_ path: String, from source: URL, mode: Int = 0o644) throws(ContainerPackagingError) {
            try parents(of: path)
            try tar.addFile(String(path.dropFirst()), from: source, mode: mode)
        }
        func add(_ path: String, text: String) throws(ContainerPackagingError) {
            try parents(of: path)
            try tar.addFile(String(path.dropFirst()), contents: Data(text.utf8))
        }

        try add(ContainerImage.Paths.executable, from: URL(fileURLWithPath: executable), mode: 0o755)
        for library in libraries { try add(library.imagePath, from: library.source, mode: 0o755) }
        let certificates = URL(fileURLWithPath: ContainerImage.Paths.certificates).resolvingSymlinksInPath()
        guard FileManager.default.fileExists(atPath: certificates.path) else {
            throw .unreadable(ContainerImage.Paths.certificates + " (install ca-certificates)")
        }
        try add(ContainerImage.Paths.certificates, from: certificates)
        try add(
            "/etc/passwd",
            text:
                "root:x:0:0:root:/root:/sbin/nologin\nmagpie:x:\(user):\(user):magpie:\(ContainerImage.Paths.home):/sbin/nologin\n"
        )
        try add("/etc/group", text: "root:x:0:\nmagpie:x:\(user):\n")
        try add("/etc/nsswitch.conf", text: "passwd: files\ngroup: files\nhosts: files dns\n")
        for (name, folder) in models.sorted(by: { $0.key < $1.key }) {
            let base = URL(fileURLWithPath: folder).resolvingSymlinksInPath()
            for file in try Self.files(under: base) {
                try add(ContainerImage.Paths.models + "/" + name + "/" + file, from: base.appendingPathComponent(file))
            }
        }
        try tar.addDirectory("tmp", mode: 0o1777)
        for folder in ["home", "opt", "opt/ml"] where directories.insert("/" + folder).inserted {
            try tar.addDirectory(folder)
        }
        for folder in [ContainerImage.Paths.home, "/opt/ml/model", "/opt/ml/input", "/opt/ml/output", "/opt/ml/code"] {
            try tar.addDirectory(String(folder.dropFirst()), mode: 0o755, owner: user)
        }
    }

    /// Every regular file under `directory`, relative to it, sorted.
    static func files(under directory: URL) throws(ContainerPackagingError) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        else { throw .unreadable(directory.path) }
        var files: [String] = []
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            files.append(String(file.resolvingSymlinksInPath().path.dropFirst(directory.path.count + 1)))
        }
        return files.sorted()
    }
}
