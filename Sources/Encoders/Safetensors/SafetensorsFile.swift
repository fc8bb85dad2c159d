import Foundation
import JSONValues

/// A memory-mapped safetensors file (Hugging Face's format: an 8-byte little-endian header
/// length, a JSON header of `name: {dtype, shape, data_offsets}`, then the raw data). Checks
/// every entry's offsets against the file before any tensor is read.
public final class SafetensorsFile: @unchecked Sendable {
    public struct Entry: Sendable {
        public let type: String
        public let shape: [Int]
        let byteRange: Range<Int>
    }

    public let path: String
    public let entries: [String: Entry]
    private let mapping: UnsafeRawBufferPointer
    private let dataStart: Int

    public init(path: String) throws(EncoderError) {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .missingFile(path: path) }
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadableFile(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(status.st_size)
        guard size >= 8 else {
            throw .malformedSafetensors(path: path, reason: "the file has \(size) bytes, fewer than a header")
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        let mapping = UnsafeRawBufferPointer(start: address, count: size)
        do {
            (entries, dataStart) = try Self.readHeader(mapping, path: path)
        } catch {
            munmap(address, size)
            throw error
        }
        self.mapping = mapping
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count) }

    private static func readHeader(_ mapping: UnsafeRawBufferPointer, path: String) throws(EncoderError) -> ([String: Entry], Int)
    {
        let headerLength = mapping.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(mapping.count - 8) else {
            throw .malformedSafetensors(
                path: path, reason: "the header claims \(headerLength) bytes; the file has \(mapping.count)")
        }
        let dataStart = 8 + Int(headerLength)
        let header = [UInt8](mapping[8..<dataStart])
        guard String(validating: header, as: UTF8.self) != nil, let parsed = try? JSONParser.parse(header),
            case .object(let fields) = parsed
        else { throw .malformedSafetensors(path: path, reason: "the header is not a JSON object") }
        var entries: [String: Entry] = [:]
        for (name, value) in fields where name != "__metadata__" {
            guard case .object(let field) = value, case .string(let type) = field["dtype"],
                case .array(let dimensions) = field["shape"],
                case .array(let offsetValues) = field["data_offsets"]
            else {
                throw .malformedSafetensors(path: path, reason: "the entry of \"\(name)\" lacks dtype, shape or data_offsets")
            }
            let shape = dimensions.compactMap(Self.size)
            let offsets = offsetValues.compactMap(Self.size)
            guard shape.count == dimensions.count, offsets.count == 2 else {
                throw .malformedSafetensors(path: path, reason: "the shape or offsets of \"\(name)\" are not sizes")
            }
            guard offsets[1] >= offsets[0], dataStart + offsets[1] <= mapping.count else {
                throw .malformedSafetensors(path: path, reason: "the data of \"\(name)\" lies outside the file")
            }
            let range = offsets[0]..<offsets[1]
            if let width = Self.elementWidth[type], shape.reduce(1, *) * width != range.count {
                throw .malformedSafetensors(
                    path: path, reason: "\"\(name)\" has \(range.count) bytes for shape \(shape) of \(type)")
            }
            entries[name] = Entry(type: type, shape: shape, byteRange: range)
        }
        return (entries, dataStart)
    }

    /// A JSON number that is a whole, non-negative size no file could exceed.
    private static func size(_ value: JSONValue) -> Int? {
        guard case .number(let number) = value, number >= 0, number < 1e15, number.rounded() == number else { return nil }
        return Int(number)
    }

    private static let elementWidth = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
    ]

    /// The stored bytes of the entry `name`, whatever its type, for copying it unchanged.
    func bytes(of name: String) -> UnsafeRawBufferPointer? {
        guard let entry = entries[name] else { return nil }
        return UnsafeRawBufferPointer(
            rebasing: mapping[(dataStart + entry.byteRange.lowerBound)..<(dataStart + entry.byteRange.upperBound)])
    }

    /// The int8 tensor `name`, checked against `shape`: a quantized layer's weights.
    public func int8Tensor(_ name: String, shape: [Int]) throws(EncoderError) -> [Int8] {
        guard let entry = entries[name] else { throw .missingTensor(path: path, name: name) }
        guard entry.shape == shape else {
            throw .tensorShapeMismatch(path: path, name: name, expected: shape, actual: entry.shape)
        }
        guard entry.type == "I8" else { throw .unsupportedTensorType(path: path, name: name, type: entry.type) }
        let start = mapping.baseAddress! + dataStart + entry.byteRange.lowerBound
        return Array(UnsafeBufferPointer(start: start.assumingMemoryBound(to: Int8.self), count: shape.reduce(1, *)))
    }

    /// The tensor `name` as float32, checked against `shape`. F32 data is used in place when
    /// aligned; F16 and BF16 are converted.
    public func tensor(_ name: String, shape: [Int]) throws(EncoderError) -> Tensor {
        guard let entry = entries[name] else { throw .missingTensor(path: path, name: name) }
        guard entry.shape == shape else {
            throw .tensorShapeMismatch(path: path, name: name, expected: shape, actual: entry.shape)
        }
        let start = mapping.baseAddress! + dataStart + entry.byteRange.lowerBound
        let count = shape.reduce(1, *)
        switch entry.type {
        case "F32":
            if Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 {
                return Tensor(
                    shape: shape, storage: TensorStorage(mapped: start.assumingMemoryBound(to: Float.self), owner: self))
            }
            return Tensor(
                shape: shape,
                storage: TensorStorage(count: count) { buffer in
                    for index in 0..<count { buffer[index] = start.loadUnaligned(fromByteOffset: index * 4, as: Float.self) }
                })
        case "F16":
            return Tensor(
                shape: shape,
                storage: TensorStorage(count: count) { buffer in
                    for index in 0..<count {
                        buffer[index] = Float(
                            Float16(
                                bitPattern: UInt16(littleEndian: start.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
                        )
                    }
                })
        case "BF16":
            return Tensor(
                shape: shape,
                storage: TensorStorage(count: count) { buffer in
                    for index in 0..<count {
                        let bits = UInt16(littleEndian: start.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
                        buffer[index] = Float(bitPattern: UInt32(bits) << 16)
                    }
                })
        default:
            throw .unsupportedTensorType(path: path, name: name, type: entry.type)
        }
    }
}
