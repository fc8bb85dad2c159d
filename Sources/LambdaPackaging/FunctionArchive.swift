import Foundation
import ZIPFoundation

/// Writes `function.zip` as Lambda unpacks it into `LAMBDA_TASK_ROOT`: `bootstrap`
/// executable (0755), everything else readable (0644). Entries are sorted and dated
/// 1980-01-01, so the same inputs give the same bytes and `sam deploy` uploads nothing new
/// when nothing changed.
enum FunctionArchive {
    struct Entry {
        /// The path inside the archive.
        var path: String
        var source: Source
        var executable: Bool
    }

    enum Source {
        /// A file on disk, read while the archive is written.
        case file(URL)
        /// Bytes made by the packager, such as the function's generated configuration.
        case bytes(Data)
    }

    static let fixedDate: Date = {
        var components = DateComponents()
        (components.year, components.month, components.day) = (1980, 1, 1)
        return Calendar.current.date(from: components) ?? Date(timeIntervalSince1970: 315_532_800)
    }()

    /// Every regular file under `directory`, as entries under `prefix`, sorted by path.
    static func entries(under directory: URL, prefix: String) throws(PackagingError) -> [Entry] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        else { throw .unreadable(directory.path) }
        var entries: [Entry] = []
        let base = directory.resolvingSymlinksInPath().path
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = String(file.resolvingSymlinksInPath().path.dropFirst(base.count + 1))
            entries.append(Entry(path: prefix + "/" + relative, source: .file(file), executable: false))
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// Writes the archive and returns the total size of the files in it, unzipped.
    static func write(_ entries: [Entry], to url: URL) throws(PackagingError) -> Int64 {
        try? FileManager.default.removeItem(at: url)
        var unzipped: Int64 = 0
        do {
            let archive = try Archive(url: url, accessMode: .create)
            for entry in entries.sorted(by: { $0.path < $1.path }) {
                let permissions: UInt16 = entry.executable ? 0o755 : 0o644
                switch entry.source {
                case .file(let file):
                    guard let handle = FileHandle(forReadingAtPath: file.path) else { throw PackagingError.unreadable(file.path) }
                    defer { try? handle.close() }
                    let size = Int64(try handle.seekToEnd())
                    unzipped += size
                    try archive.addEntry(
                        with: entry.path, type: .file, uncompressedSize: size, modificationDate: fixedDate,
                        permissions: permissions, compressionMethod: .deflate
                    ) { position, chunk in
                        try handle.seek(toOffset: UInt64(position))
                        return handle.readData(ofLength: chunk)
                    }
                case .bytes(let bytes):
                    unzipped += Int64(bytes.count)
                    try archive.addEntry(
                        with: entry.path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: fixedDate,
                        permissions: permissions, compressionMethod: .deflate
                    ) { position, chunk in
                        let start = Int(position)
                        return bytes.subdata(in: start..<min(start + chunk, bytes.count))
                    }
                }
            }
        } catch let error as PackagingError {
            throw error
        } catch {
            throw .writeFailed(url.path, reason: "\(error)")
        }
        return unzipped
    }
}
