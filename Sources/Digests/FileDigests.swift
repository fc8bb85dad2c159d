import Foundation

/// The SHA-256 of files on disk, remembered between processes by each file's identity and
/// change times, as Git's index remembers which files are unchanged. Hashing MiniLM's 90 MB
/// took 60 ms of a 157 ms cold start; a server restarted on the same files now checks a
/// `stat` instead.
///
/// A remembered digest is used only when the device, inode, size, modification time and
/// status-change time all match. The kernel sets the status-change time on every write,
/// rename or `utimes`, and no unprivileged call can set it back, so a file that changed in
/// any way is hashed again. A file changed within `settleTime` (2 s) before it was hashed is
/// not remembered: timestamps are coarser than writes, and such a file could change again
/// without its times moving.
public struct FileDigests: Sendable {
    public struct Digest: Equatable, Sendable {
        public let sha256: String
        public let bytes: Int

        public init(sha256: String, bytes: Int) {
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    /// Where digests are remembered; nil remembers nothing.
    public let directory: URL?
    /// How long ago a file must have last changed for its digest to be remembered.
    let settleTime: Duration
    /// Smaller files hash in less time than reading an entry takes (1 MB: 0.6 ms).
    let smallestRemembered: Int
    /// Entries kept before the folder is emptied, so files long deleted cannot fill it.
    static let mostEntries = 256

    public init(directory: URL?, settleTime: Duration = .seconds(2), smallestRemembered: Int = 1 << 20) {
        self.directory = directory
        self.settleTime = settleTime
        self.smallestRemembered = smallestRemembered
    }

    /// Remembered in the `file-digests` folder of `CacheDirectory.base`. A folder that cannot
    /// be written (a read-only image) only means files are hashed on every load.
    public static let shared = FileDigests(directory: CacheDirectory.base?.appendingPathComponent("file-digests"))

    /// The file's digest and whether it was remembered rather than computed; nil when the file
    /// cannot be read.
    public func digest(ofFileAt path: String) -> (digest: Digest, remembered: Bool)? {
        guard let before = FileIdentity(path: path) else { return nil }
        let remembers = before.size >= smallestRemembered
        if remembers, let known = remembered(before) { return (known, true) }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        let digest = Digest(sha256: sha256Hex(data), bytes: data.count)
        if remembers, FileIdentity(path: path) == before, before.changedLongerAgo(than: settleTime), digest.bytes == before.size {
            remember(digest, for: before)
        }
        return (digest, false)
    }

    /// The file's digest if it is remembered and the file is unchanged; never hashes.
    public func rememberedDigest(ofFileAt path: String) -> Digest? {
        FileIdentity(path: path).flatMap(remembered)
    }

    /// Remembers the digest of a file this process has just written and renamed into place,
    /// computed from the bytes it wrote, so that the next load need not hash it.
    public func remember(_ digest: Digest, forFileWrittenAt path: String) {
        guard let identity = FileIdentity(path: path), identity.size == digest.bytes else { return }
        remember(digest, for: identity)
    }

    private func entry(for identity: FileIdentity) -> URL? {
        directory?.appendingPathComponent("\(identity.device)-\(identity.inode)")
    }

    private func remembered(_ identity: FileIdentity) -> Digest? {
        guard let url = entry(for: identity), let text = try? String(contentsOf: url, encoding: .utf8) else {
            return nil
        }
        let fields = text.split(separator: " ").map(String.init)
        guard fields.count == 2, fields[0] == identity.stamp, fields[1].utf8.count == 64 else { return nil }
        return Digest(sha256: fields[1], bytes: identity.size)
    }

    /// Written to a temporary name and renamed, so a reader sees a whole entry or none.
    private func remember(_ digest: Digest, for identity: FileIdentity) {
        guard let directory, let url = entry(for: identity) else { return }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path),
            entries.count >= Self.mostEntries
        {
            for entry in entries { try? FileManager.default.removeItem(at: directory.appendingPathComponent(entry)) }
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid())")
        guard (try? Data("\(identity.stamp) \(digest.sha256)".utf8).write(to: temporary)) != nil else { return }
        if rename(temporary.path, url.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }
}

/// What `stat` says about a file that changes whenever its contents could have.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int
    let modified: Int64
    let changed: Int64

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int(status.st_size)
        modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        changed = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
    }

    var stamp: String { "\(size):\(modified):\(changed)" }

    /// Measured on the real-time clock, which file times follow.
    func changedLongerAgo(than interval: Duration) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let (seconds, attoseconds) = interval.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) - changed > nanoseconds
    }
}
