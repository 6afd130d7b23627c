/// One tensor as the header describes it. `dimensions` are in ggml order (`ne[0]`, the
/// contiguous row length, first); `shape` is the row-major (PyTorch) order, reversed.
public struct GGUFTensorInfo: Sendable, Equatable {
    public var name: String
    public var type: GGMLType
    public var dimensions: [Int]
    /// Byte offset inside the data section (a multiple of the alignment).
    public var offset: Int
    public var byteCount: Int

    public var shape: [Int] { dimensions.reversed() }
    public var elementCount: Int { dimensions.reduce(1, *) }
}

/// The validated header of a GGUF (v2 or v3) file: metadata in file order, tensor infos,
/// and where the data section starts. Every length, count, offset and size is checked
/// against the file before it is used, so any bytes give either a header or a `GGUFError`.
public struct GGUFHeader: Sendable, Equatable {
    public static let magic: [UInt8] = Array("GGUF".utf8)
    public static let defaultAlignment = 32
    /// ggml's GGML_MAX_DIMS.
    public static let maximumDimensions = 4
    /// Arrays inside arrays deeper than this are refused (bounds the recursion).
    public static let maximumArrayDepth = 8

    public var version: UInt32
    public var metadata: [(key: String, value: GGUFValue)]
    public var tensors: [GGUFTensorInfo]
    public var alignment: Int
    public var dataStart: Int

    public static func == (lhs: GGUFHeader, rhs: GGUFHeader) -> Bool {
        lhs.version == rhs.version && lhs.tensors == rhs.tensors && lhs.alignment == rhs.alignment
            && lhs.dataStart == rhs.dataStart && lhs.metadata.map(\.key) == rhs.metadata.map(\.key)
            && lhs.metadata.map(\.value) == rhs.metadata.map(\.value)
    }

    public static func parse(file bytes: UnsafeRawBufferPointer, path: String) throws(GGUFError) -> GGUFHeader {
        var cursor = GGUFCursor(bytes: bytes, file: path)
        guard bytes.count >= 4, Array(bytes[0..<4]) == magic else {
            throw .badMagic(file: path, found: Array(bytes.prefix(4)))
        }
        try cursor.skip(to: 4, "magic")
        let version = try cursor.scalar(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(file: path, version: version) }
        // Every tensor info takes at least 8 (name) + 4 (n_dims) + 4 (type) + 8 (offset) bytes,
        // every key/value at least 8 (key) + 4 (type) + 1 bytes: counts are bounded by the file.
        let tensorCount = try cursor.length("tensor count", elementSize: 24)
        let keyCount = try cursor.length("metadata count", elementSize: 13)

        var metadata: [(key: String, value: GGUFValue)] = []
        var seen = Set<String>()
        for index in 0..<keyCount {
            let key = try cursor.string("metadata key #\(index)")
            guard seen.insert(key).inserted else { throw .duplicateKey(file: path, key: key) }
            let typeID = try cursor.scalar(UInt32.self, "type of \"\(key)\"")
            guard let type = GGUFValueType(rawValue: typeID) else {
                throw .unknownValueType(file: path, key: key, type: typeID)
            }
            metadata.append((key, try readValue(type, key: key, depth: 0, cursor: &cursor)))
        }
        let alignment = try Self.alignment(metadata, path: path)

        var tensors: [GGUFTensorInfo] = []
        var names = Set<String>()
        for index in 0..<tensorCount {
            let name = try cursor.string("name of tensor #\(index)")
            guard names.insert(name).inserted else { throw .duplicateTensorName(file: path, tensor: name) }
            tensors.append(try readTensorInfo(name: name, alignment: alignment, cursor: &cursor))
        }
        let (padded, overflow) = cursor.offset.addingReportingOverflow(alignment - 1)
        let dataStart = overflow ? Int.max : padded / alignment * alignment
        // A file without tensors may end right after its header, padding and all.
        let dataSize = max(0, bytes.count - dataStart)
        if !tensors.isEmpty, dataStart > bytes.count {
            throw .truncated(file: path, offset: cursor.offset, needed: dataStart - cursor.offset, what: "padding before the tensor data")
        }
        try checkRanges(tensors, dataSize: dataSize, path: path)
        return GGUFHeader(version: version, metadata: metadata, tensors: tensors, alignment: alignment, dataStart: dataStart)
    }

    private static func readValue(
        _ type: GGUFValueType, key: String, depth: Int, cursor: inout GGUFCursor
    ) throws(GGUFError) -> GGUFValue {
        let what = "value of \"\(key)\""
        switch type {
        case .uint8: return .uint8(try cursor.scalar(UInt8.self, what))
        case .int8: return .int8(try cursor.scalar(Int8.self, what))
        case .uint16: return .uint16(try cursor.scalar(UInt16.self, what))
        case .int16: return .int16(try cursor.scalar(Int16.self, what))
        case .uint32: return .uint32(try cursor.scalar(UInt32.self, what))
        case .int32: return .int32(try cursor.scalar(Int32.self, what))
        case .uint64: return .uint64(try cursor.scalar(UInt64.self, what))
        case .int64: return .int64(try cursor.scalar(Int64.self, what))
        case .float32: return .float32(Float(bitPattern: try cursor.scalar(UInt32.self, what)))
        case .float64: return .float64(Double(bitPattern: try cursor.scalar(UInt64.self, what)))
        case .bool:
            let byte = try cursor.scalar(UInt8.self, what)
            guard byte <= 1 else { throw .invalidValue(file: cursor.file, key: key, reason: "bool byte \(byte) is neither 0 nor 1") }
            return .bool(byte == 1)
        case .string: return .string(try cursor.string(what))
        case .array:
            guard depth < maximumArrayDepth else {
                throw .invalidValue(file: cursor.file, key: key, reason: "arrays nested deeper than \(maximumArrayDepth)")
            }
            let elementID = try cursor.scalar(UInt32.self, "element type of \"\(key)\"")
            guard let element = GGUFValueType(rawValue: elementID) else {
                throw .unknownValueType(file: cursor.file, key: key, type: elementID)
            }
            let count = try cursor.length("array \"\(key)\"", elementSize: element.minimumSize)
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try readValue(element, key: key, depth: depth + 1, cursor: &cursor)) }
            return .array(elementType: element, values)
        }
    }

    /// `general.alignment`: a u32 power of two (ggml's rule), 32 when absent.
    private static func alignment(_ metadata: [(key: String, value: GGUFValue)], path: String) throws(GGUFError) -> Int {
        guard let value = metadata.first(where: { $0.key == "general.alignment" })?.value else { return defaultAlignment }
        guard case .uint32(let raw) = value else {
            throw .badAlignment(file: path, reason: "must be a uint32, found \(value.typeDescription)")
        }
        guard raw > 0, raw & (raw - 1) == 0 else {
            throw .badAlignment(file: path, reason: "is \(raw); it must be a power of two")
        }
        return Int(raw)
    }

    private static func readTensorInfo(
        name: String, alignment: Int, cursor: inout GGUFCursor
    ) throws(GGUFError) -> GGUFTensorInfo {
        let file = cursor.file
        func invalid(_ reason: String) -> GGUFError { .invalidTensorInfo(file: file, tensor: name, reason: reason) }
        let rank = try cursor.scalar(UInt32.self, "rank of tensor \"\(name)\"")
        guard rank >= 1, rank <= UInt32(maximumDimensions) else {
            throw invalid("has \(rank) dimensions (1 to \(maximumDimensions) allowed)")
        }
        var dimensions: [Int] = []
        var rows = 1  // product of every dimension but the first (checked on its own: ne[0] may be 0)
        for index in 0..<Int(rank) {
            let raw = try cursor.scalar(UInt64.self, "dimensions of tensor \"\(name)\"")
            guard let size = Int(exactly: raw) else { throw invalid("dimension \(raw) is too large") }
            if index > 0 {
                let (product, overflow) = rows.multipliedReportingOverflow(by: size)
                guard !overflow else { throw invalid("element count of dimensions \(dimensions + [size]) overflows") }
                rows = product
            }
            dimensions.append(size)
        }
        guard !dimensions[0].multipliedReportingOverflow(by: rows).overflow else {
            throw invalid("element count of dimensions \(dimensions) overflows")
        }
        let typeID = try cursor.scalar(UInt32.self, "type of tensor \"\(name)\"")
        guard let type = GGMLType(rawValue: typeID) else { throw .unknownTensorType(file: file, tensor: name, type: typeID) }
        let rawOffset = try cursor.scalar(UInt64.self, "offset of tensor \"\(name)\"")
        guard let offset = Int(exactly: rawOffset), offset % alignment == 0 else {
            throw invalid("data offset \(rawOffset) is not a multiple of the alignment \(alignment)")
        }
        guard let byteCount = type.byteCount(rowLength: dimensions[0], rows: rows) else {
            throw invalid("row length \(dimensions[0]) is not a multiple of \(type.name)'s block of \(type.blockSize)")
        }
        return GGUFTensorInfo(name: name, type: type, dimensions: dimensions, offset: offset, byteCount: byteCount)
    }

    /// Every tensor lies inside the data section and no two share a byte.
    private static func checkRanges(_ tensors: [GGUFTensorInfo], dataSize: Int, path: String) throws(GGUFError) {
        for tensor in tensors {
            let (end, overflow) = tensor.offset.addingReportingOverflow(tensor.byteCount)
            guard !overflow, end <= dataSize else {
                throw .tensorOutOfRange(file: path, tensor: tensor.name, offset: UInt64(tensor.offset),
                                        bytes: tensor.byteCount, dataSize: dataSize)
            }
        }
        let sorted = tensors.filter { $0.byteCount > 0 }.sorted { ($0.offset, $0.name) < ($1.offset, $1.name) }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where next.offset < previous.offset + previous.byteCount {
            throw .overlappingTensors(file: path, first: previous.name, second: next.name)
        }
    }
}
