import Crypto
import Foundation

/// Writes a POSIX ustar archive, the format of an OCI image's layers, to a file while hashing
/// it: the layer's digest and size come out of the same pass that writes it, so a 200 MB
/// binary and the models are read once.
///
/// Entries are dated 1970-01-01 and belong to root unless given an owner, so the same inputs
/// give the same layer digest, and a registry stores an unchanged layer once.
struct TarWriter {
    private let handle: FileHandle
    private var hash = SHA256()
    private(set) var size: Int64 = 0

    init(creating url: URL) throws(ContainerPackagingError) {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else { throw .writeFailed(url.path, reason: "cannot create the file") }
        self.handle = handle
    }

    mutating func addDirectory(_ path: String, mode: Int = 0o755, owner: Int = 0) throws(ContainerPackagingError) {
        try write(header(path.hasSuffix("/") ? path : path + "/", mode: mode, size: 0, type: "5", owner: owner))
    }

    mutating func addFile(_ path: String, contents: Data, mode: Int = 0o644) throws(ContainerPackagingError) {
        try write(header(path, mode: mode, size: contents.count, type: "0"))
        try write(contents)
        try pad(contents.count)
    }

    /// Streams a file from disk in 1 MB chunks.
    mutating func addFile(_ path: String, from source: URL, mode: Int = 0o644) throws(ContainerPackagingError) {
        guard let input = FileHandle(forReadingAtPath: source.path) else { throw .unreadable(source.path) }
        defer { try? input.close() }
        let length: Int
        do {
            length = Int(try input.seekToEnd())
            try input.seek(toOffset: 0)
        } catch { throw .unreadable(source.path) }
        try write(header(path, mode: mode, size: length, type: "0"))
        var copied = 0
        while copied < length {
            let chunk: Data
            do { chunk = try input.read(upToCount: min(1 << 20, length - copied)) ?? Data() } catch {
                throw .unreadable(source.path)
            }
            guard !chunk.isEmpty else { throw .unreadable(source.path) }
            try write(chunk)
            copied += chunk.count
        }
        try pad(length)
    }

    mutating func addSymbolicLink(_ path: String, to target: String) throws(ContainerPackagingError) {
        try write(header(path, mode: 0o777, size: 0, type: "2", linkTarget: target))
    }

    /// Ends the archive (two zero blocks) and returns the layer's digest and size.
    mutating func finish() throws(ContainerPackagingError) -> Blob {
        try write(Data(count: 1024))
        do { try handle.close() } catch { throw .writeFailed("layer", reason: "\(error)") }
        return Blob(digest: "sha256:" + hash.finalize().map { String(format: "%02x", $0) }.joined(), size: size)
    }

    private mutating func pad(_ count: Int) throws(ContainerPackagingError) {
        let remainder = count % 512
        if remainder != 0 { try write(Data(count: 512 - remainder)) }
    }

    private mutating func write(_ data: Data) throws(ContainerPackagingError) {
        hash.update(data: data)
        do { try handle.write(contentsOf: data) } catch { throw .writeFailed("layer", reason: "\(error)") }
        size += Int64(data.count)
    }

    /// A 512-byte ustar header. Paths longer than 100 bytes are split at a `/` into the
    /// 155-byte prefix field and the name, as ustar allows.
    private func header(_ path: String, mode: Int, size: Int, type: Character, linkTarget: String = "", owner: Int = 0)
        throws(ContainerPackagingError) -> Data
    {
        var block = [UInt8](repeating: 0, count: 512)
        let (prefix, name) = try Self.split(path)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func putOctal(_ value: Int, at offset: Int, width: Int) {
            put(
                String(repeating: "0", count: max(0, width - 1 - String(value, radix: 8).count)) + String(value, radix: 8),
                at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        putOctal(mode, at: 100, width: 8)
        putOctal(owner, at: 108, width: 8)
        putOctal(owner, at: 116, width: 8)
        putOctal(size, at: 124, width: 12)
        putOctal(0, at: 136, width: 12)
        put(String(type), at: 156, width: 1)
        put(linkTarget, at: 157, width: 100)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        put(prefix, at: 345, width: 155)
        put("        ", at: 148, width: 8)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(String(repeating: "0", count: 6 - String(checksum, radix: 8).count) + String(checksum, radix: 8), at: 148, width: 6)
        block[154] = 0
        block[155] = 0x20
        return Data(block)
    }

    static func split(_ path: String) throws(ContainerPackagingError) -> (prefix: String, name: String) {
        if path.utf8.count <= 100 { return ("", path) }
        let bytes = Array(path.utf8)
        for cut in stride(from: min(bytes.count - 1, 155), through: 1, by: -1) where bytes[cut] == UInt8(ascii: "/") {
            if bytes.count - cut - 1 <= 100 {
                return (String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[(cut + 1)...], as: UTF8.self))
            }
        }
        throw .pathTooLong(path)
    }
}

/// A content-addressed file of an OCI image: a layer, the config or the manifest.
struct Blob: Equatable {
    var digest: String
    var size: Int64
}
