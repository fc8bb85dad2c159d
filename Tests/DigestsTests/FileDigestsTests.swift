import Foundation
import Testing

@testable import Digests

@Suite struct FileDigestsTests {
    let folder: URL
    let digests: FileDigests

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-digests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        digests = FileDigests(
            directory: folder.appendingPathComponent("cache"), settleTime: .milliseconds(50), smallestRemembered: 1)
    }

    func write(_ text: String, to name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Sets the modification time back to `seconds`, as `touch -d` or a careful attacker would.
    func setModified(_ path: String, to seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    @Test func remembersASettledFileAndGivesTheSameDigest() async throws {
        let path = try write("weights", to: "a.bin")
        try await Task.sleep(for: .milliseconds(120))
        let first = try #require(digests.digest(ofFileAt: path))
        #expect(first.digest == FileDigests.Digest(sha256: sha256Hex(Array("weights".utf8)), bytes: 7))
        #expect(!first.remembered)
        let second = try #require(digests.digest(ofFileAt: path))
        #expect(second.remembered)
        #expect(second.digest == first.digest)
    }

    @Test func hashesAgainAFileRewrittenWithItsSizeAndModificationTimeRestored() async throws {
        let path = try write("weights", to: "a.bin")
        setModified(path, to: 1_700_000_000)
        try await Task.sleep(for: .milliseconds(120))
        #expect(try #require(digests.digest(ofFileAt: path)).remembered == false)
        #expect(try #require(digests.digest(ofFileAt: path)).remembered)

        let inode = try #require(FileIdentity(path: path)).inode
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data("WEIGHTS".utf8))
        try handle.close()
        setModified(path, to: 1_700_000_000)
        #expect(try #require(FileIdentity(path: path)).inode == inode)
        let after = try #require(digests.digest(ofFileAt: path))
        #expect(!after.remembered)
        #expect(after.digest.sha256 == sha256Hex(Array("WEIGHTS".utf8)))
    }

    @Test func doesNotRememberAFileThatChangedJustBeforeItWasHashed() throws {
        let path = try write("fresh", to: "b.bin")
        #expect(try #require(digests.digest(ofFileAt: path)).remembered == false)
        #expect(try #require(digests.digest(ofFileAt: path)).remembered == false)
    }

    @Test func hashesEveryTimeWhereNothingCanBeRemembered() async throws {
        let path = try write("weights", to: "c.bin")
        try await Task.sleep(for: .milliseconds(120))
        let unwritable = FileDigests(
            directory: URL(fileURLWithPath: "/proc/magpie-cannot-write"), settleTime: .zero, smallestRemembered: 1)
        for _ in 0..<2 {
            let answer = try #require(unwritable.digest(ofFileAt: path))
            #expect(!answer.remembered)
            #expect(answer.digest.sha256 == sha256Hex(Array("weights".utf8)))
        }
    }

    @Test func hashesAgainWhenTheRememberedEntryIsDamaged() async throws {
        let path = try write("weights", to: "d.bin")
        try await Task.sleep(for: .milliseconds(120))
        _ = digests.digest(ofFileAt: path)
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("cache").path)
        #expect(entries.count == 1)
        try Data("garbage".utf8).write(to: folder.appendingPathComponent("cache").appendingPathComponent(entries[0]))
        let answer = try #require(digests.digest(ofFileAt: path))
        #expect(!answer.remembered)
        #expect(answer.digest.sha256 == sha256Hex(Array("weights".utf8)))
    }

    @Test func remembersNeitherSmallFilesNorMoreThanItsLimit() async throws {
        let cache = folder.appendingPathComponent("bounded")
        let bounded = FileDigests(directory: cache, settleTime: .zero, smallestRemembered: 4)
        _ = bounded.digest(ofFileAt: try write("abc", to: "small.bin"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: cache.path)) == nil)
        for index in 0...FileDigests.mostEntries {
            _ = bounded.digest(ofFileAt: try write("weights", to: "e\(index).bin"))
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(kept.count == 1)
    }

    @Test func remembersAFileItWroteWithoutWaitingForItToSettle() async throws {
        let path = try write("packed", to: "f.bin")
        let strict = FileDigests(directory: folder.appendingPathComponent("strict"), smallestRemembered: 1)
        #expect(strict.rememberedDigest(ofFileAt: path) == nil)
        let digest = FileDigests.Digest(sha256: sha256Hex(Array("packed".utf8)), bytes: 6)
        strict.remember(digest, forFileWrittenAt: path)
        #expect(strict.rememberedDigest(ofFileAt: path) == digest)
        try await Task.sleep(for: .milliseconds(50))
        _ = try write("PACKED", to: "f.bin")
        #expect(strict.rememberedDigest(ofFileAt: path) == nil)
    }

    @Test func answersNilForAMissingFileOrAFolder() {
        #expect(digests.digest(ofFileAt: folder.appendingPathComponent("missing").path) == nil)
        #expect(digests.digest(ofFileAt: folder.path) == nil)
    }

    @Test func followsTheCacheVariablesInOrder() {
        #expect(CacheDirectory.base(["MAGPIE_CACHE_DIR": "/m", "XDG_CACHE_HOME": "/x"])?.path == "/m")
        #expect(CacheDirectory.base(["XDG_CACHE_HOME": "/x", "HOME": "/h"])?.path == "/x/magpie")
        #expect(CacheDirectory.base(["HOME": "/h"])?.path == "/h/.cache/magpie")
        #expect(CacheDirectory.base([:]) == nil)
    }
}
