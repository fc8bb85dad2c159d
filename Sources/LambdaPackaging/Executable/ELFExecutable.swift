import Foundation

/// What the dynamic loader will need to start an executable: its machine, the shared
/// libraries it names (`DT_NEEDED`) and the symbol versions it requires of each
/// (`.gnu.version_r`). Read from the file itself, so packaging can refuse a binary that would
/// fail in Lambda with "error while loading shared libraries" before anything is deployed.
public struct ELFExecutable: Sendable, Equatable {
    public enum Machine: Sendable, Equatable {
        case amd64
        case arm64
        case other(UInt16)
    }

    public var machine: Machine
    public var neededLibraries: [String]
    /// Required symbol versions by library, e.g. `libc.so.6` → `["GLIBC_2.2.5", "GLIBC_2.34"]`.
    public var requiredVersions: [String: [String]]
    /// The dynamic loader an executable names (`PT_INTERP`), which a container image from
    /// scratch must hold at exactly that path; nil for shared libraries and static executables.
    public var interpreter: String?
    /// Where the loader looks first for the needed libraries (`DT_RUNPATH`, or the older
    /// `DT_RPATH`), as written: `$ORIGIN` stands for the file's own folder.
    public var runPaths: [String]

    public init(
        machine: Machine, neededLibraries: [String], requiredVersions: [String: [String]], interpreter: String? = nil,
        runPaths: [String] = []
    ) {
        self.machine = machine
        self.neededLibraries = neededLibraries
        self.requiredVersions = requiredVersions
        self.interpreter = interpreter
        self.runPaths = runPaths
    }

    /// Reads a 64-bit little-endian ELF file (x86_64 and arm64 Linux executables are).
    public init(contentsOf path: String) throws(PackagingError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        try self.init(bytes: [UInt8](data), path: path)
    }

    init(bytes: [UInt8], path: String) throws(PackagingError) {
        let reader = ByteReader(bytes: bytes)
        guard bytes.count >= 64, bytes[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]) else {
            throw .notAnExecutable(path, reason: "it is not an ELF file")
        }
        guard bytes[4] == 2, bytes[5] == 1 else {
            throw .notAnExecutable(path, reason: "it is not a 64-bit little-endian ELF file")
        }
        let sectionsAt = Int(reader.u64(0x28))
        let sectionSize = Int(reader.u16(0x3A))
        let sectionCount = Int(reader.u16(0x3C))
        guard sectionSize >= 64, sectionsAt > 0, sectionsAt + sectionSize * sectionCount <= bytes.count else {
            throw .notAnExecutable(path, reason: "its section table lies outside the file")
        }
        let sections = (0..<sectionCount).map { Section(reader, at: sectionsAt + $0 * sectionSize) }
        func strings(of section: Section) throws(PackagingError) -> StringTable {
            guard section.link < sections.count, sections[section.link].end <= bytes.count else {
                throw .notAnExecutable(path, reason: "a string table lies outside the file")
            }
            return StringTable(reader: reader, section: sections[section.link])
        }

        var needed: [String] = []
        var runPaths: [String] = []
        var versions: [String: [String]] = [:]
        for section in sections where section.end <= bytes.count {
            switch section.type {
            case Section.dynamicType:
                let names = try strings(of: section)
                for entry in stride(from: section.offset, to: section.end - 15, by: 16) {
                    switch reader.u64(entry) {
                    case Section.neededTag: needed.append(names.string(at: Int(reader.u64(entry + 8))))
                    case Section.runPathTag, Section.rPathTag:
                        runPaths += names.string(at: Int(reader.u64(entry + 8))).split(separator: ":").map(String.init)
                    default: continue
                    }
                }
            case Section.versionNeedsType:
                let names = try strings(of: section)
                var need = section.offset
                for _ in 0..<section.info where need + 16 <= section.end {
                    let library = names.string(at: Int(reader.u32(need + 4)))
                    var aux = need + Int(reader.u32(need + 8))
                    for _ in 0..<reader.u16(need + 2) where aux + 16 <= section.end {
                        versions[library, default: []].append(names.string(at: Int(reader.u32(aux + 8))))
                        aux += Int(reader.u32(aux + 12))
                    }
                    let next = Int(reader.u32(need + 12))
                    if next == 0 { break }
                    need += next
                }
            default: continue
            }
        }
        let machine: Machine =
            switch reader.u16(18) {
            case 62: .amd64
            case 183: .arm64
            case let other: .other(other)
            }
        self.init(
            machine: machine, neededLibraries: needed, requiredVersions: versions.mapValues { $0.sorted() },
            interpreter: Self.interpreter(reader, count: bytes.count), runPaths: runPaths)
    }

    /// The `PT_INTERP` program header's string, if the file has one inside its bounds.
    private static func interpreter(_ reader: ByteReader, count: Int) -> String? {
        let headersAt = Int(reader.u64(0x20))
        let headerSize = Int(reader.u16(0x36))
        let headerCount = Int(reader.u16(0x38))
        guard headerSize >= 56, headersAt > 0, headersAt + headerSize * headerCount <= count else { return nil }
        for index in 0..<headerCount {
            let header = headersAt + index * headerSize
            guard reader.u32(header) == 3 else { continue }
            let offset = Int(reader.u64(header + 8))
            let size = Int(reader.u64(header + 32))
            guard size > 1, offset + size <= count else { return nil }
            return String(decoding: reader.bytes[offset..<(offset + size - 1)], as: UTF8.self)
        }
        return nil
    }

    /// The highest `GLIBC_x.y` version any library requires, as numbers, e.g. `[2, 34]`.
    public var highestGlibcVersion: [Int]? {
        requiredVersions.values.joined().compactMap(Self.glibcVersion).max { $0.lexicographicallyPrecedes($1) }
    }

    static func glibcVersion(_ name: String) -> [Int]? {
        guard name.hasPrefix("GLIBC_") else { return nil }
        let numbers = name.dropFirst("GLIBC_".count).split(separator: ".").map { Int($0) }
        guard !numbers.isEmpty, numbers.allSatisfy({ $0 != nil }) else { return nil }
        return numbers.compactMap { $0 }
    }

    private struct Section {
        static let dynamicType: UInt32 = 6
        static let versionNeedsType: UInt32 = 0x6FFF_FFFE
        static let neededTag: UInt64 = 1
        static let rPathTag: UInt64 = 15
        static let runPathTag: UInt64 = 29

        var type: UInt32
        var offset: Int
        var size: Int
        var link: Int
        var info: Int
        var end: Int { offset + size }

        init(_ reader: ByteReader, at header: Int) {
            type = reader.u32(header + 4)
            offset = Int(clamping: reader.u64(header + 24))
            size = Int(clamping: reader.u64(header + 32))
            link = Int(reader.u32(header + 40))
            info = Int(reader.u32(header + 44))
            if offset > Int.max / 2 || size > Int.max / 2 { (offset, size) = (Int.max / 2, Int.max / 2) }
        }
    }

    private struct StringTable {
        var reader: ByteReader
        var section: Section

        func string(at offset: Int) -> String {
            let start = section.offset + offset
            guard offset >= 0, start < section.end else { return "" }
            let end = reader.bytes[start..<section.end].firstIndex(of: 0) ?? section.end
            return String(decoding: reader.bytes[start..<end], as: UTF8.self)
        }
    }

    /// Little-endian reads that yield 0 past the end, so a truncated file reads as empty
    /// tables rather than trapping.
    private struct ByteReader {
        var bytes: [UInt8]

        func u16(_ at: Int) -> UInt16 { UInt16(truncatingIfNeeded: value(at, 2)) }
        func u32(_ at: Int) -> UInt32 { UInt32(truncatingIfNeeded: value(at, 4)) }
        func u64(_ at: Int) -> UInt64 { value(at, 8) }

        private func value(_ at: Int, _ count: Int) -> UInt64 {
            guard at >= 0, at + count <= bytes.count else { return 0 }
            var result: UInt64 = 0
            for index in (0..<count).reversed() { result = result << 8 | UInt64(bytes[at + index]) }
            return result
        }
    }
}
