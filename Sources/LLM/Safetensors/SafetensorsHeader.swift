/// One tensor as the header describes it; `dataRange` is relative to the data buffer that
/// follows the header.
public struct SafetensorsTensorInfo: Sendable, Equatable {
    public var name: String
    public var dtype: SafetensorsDType
    public var shape: [Int]
    public var dataRange: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// The validated header of a safetensors file.
public struct SafetensorsHeader: Sendable, Equatable {
    /// The reference implementation's limit (`MAX_HEADER_SIZE`, 100 MB in decimal).
    public static let maximumHeaderLength = 100_000_000

    /// Tensors in data-buffer order (which the format requires to be contiguous).
    public var tensors: [SafetensorsTensorInfo]
    public var metadata: [String: String]?
    /// Bytes before the data buffer: 8 + header length.
    public var dataStart: Int

    /// Validates `file` (all its bytes, usually a memory mapping) and parses its header.
    /// Nothing is allocated from header-claimed sizes until they are checked against the file.
    public static func parse(file bytes: UnsafeRawBufferPointer, path: String) throws(SafetensorsError) -> SafetensorsHeader {
        guard bytes.count >= 8 else { throw .fileTooShort(file: path, size: bytes.count) }
        let headerLength = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw .headerTooLarge(file: path, headerLength: headerLength, limit: maximumHeaderLength)
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .headerBeyondFile(file: path, headerLength: headerLength, fileSize: bytes.count)
        }
        let dataStart = 8 + Int(headerLength)
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart])
        guard headerBytes.first == UInt8(ascii: "{") else { throw .headerNotJSONObject(file: path) }
        let json: JSONValue
        do {
            json = try JSONParser.parse(headerBytes)
        } catch {
            if let name = error.duplicateKey, error.duplicateKeyDepth == 0 {
                throw .duplicateTensorName(file: path, name: name)
            }
            throw .invalidHeaderJSON(file: path, reason: error.description)
        }
        guard let object = json.objectValue else { throw .headerNotJSONObject(file: path) }
        let dataSize = bytes.count - dataStart

        var metadata: [String: String]?
        var tensors: [SafetensorsTensorInfo] = []
        for (name, value) in object.entries {
            if name == "__metadata__" {
                metadata = try parseMetadata(value, path: path)
            } else {
                tensors.append(try parseTensor(name: name, value: value, path: path, dataSize: dataSize))
            }
        }
        try checkContiguous(&tensors, path: path, dataSize: dataSize)
        return SafetensorsHeader(tensors: tensors, metadata: metadata, dataStart: dataStart)
    }

    private static func parseMetadata(_ value: JSONValue, path: String) throws(SafetensorsError) -> [String: String] {
        guard let object = value.objectValue else {
            throw .invalidMetadata(file: path, reason: "must be an object of strings, found \(value.kindName)")
        }
        var metadata: [String: String] = [:]
        for (key, entry) in object.entries {
            guard let string = entry.stringValue else {
                throw .invalidMetadata(file: path, reason: "value of \"\(key)\" must be a string, found \(entry.kindName)")
            }
            metadata[key] = string
        }
        return metadata
    }

    private static func parseTensor(
        name: String, value: JSONValue, path: String, dataSize: Int
    ) throws(SafetensorsError) -> SafetensorsTensorInfo {
        func invalid(_ reason: String) -> SafetensorsError {
            .invalidTensorEntry(file: path, tensor: name, reason: reason)
        }
        guard let entry = value.objectValue else { throw invalid("entry must be an object, found \(value.kindName)") }
        guard let dtypeValue = entry["dtype"] else { throw invalid("missing \"dtype\"") }
        guard let dtypeName = dtypeValue.stringValue else { throw invalid("\"dtype\" must be a string") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw .unknownDType(file: path, tensor: name, dtype: dtypeName)
        }
        guard let shapeValues = entry["shape"]?.arrayValue else { throw invalid("missing or non-array \"shape\"") }
        var shape: [Int] = []
        var elementCount = 1
        for dimension in shapeValues {
            guard let size = dimension.intValue, size >= 0 else {
                throw invalid("shape entries must be non-negative integers")
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow else { throw invalid("shape \(shapeValues.map { $0.intValue ?? -1 }) overflows") }
            shape.append(size)
            elementCount = product
        }
        guard let offsets = entry["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, end >= 0 else {
            throw invalid("\"data_offsets\" must be two non-negative integers [begin, end]")
        }
        guard begin <= end, end <= dataSize else {
            throw .offsetsOutOfRange(file: path, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        let (expectedBytes, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, expectedBytes == end - begin else {
            throw .sizeMismatch(
                file: path, tensor: name, dtype: dtypeName, shape: shape,
                expectedBytes: overflow ? Int.max : expectedBytes, actualBytes: end - begin)
        }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataRange: begin..<end)
    }

    /// The format lays tensors end to end: sorted by offset, each starts where the previous
    /// one ended and the last ends at the end of the file. Zero-size tensors may share a point.
    private static func checkContiguous(
        _ tensors: inout [SafetensorsTensorInfo], path: String, dataSize: Int
    ) throws(SafetensorsError) {
        tensors.sort { ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name) < ($1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name) }
        var end = 0
        var previous: String?
        for tensor in tensors {
            let range = tensor.dataRange
            if range.lowerBound < end, let previous {
                throw .overlappingTensors(file: path, first: previous, second: tensor.name)
            }
            if range.lowerBound > end {
                throw .holeInData(file: path, before: tensor.name, offset: end, size: range.lowerBound - end)
            }
            end = range.upperBound
            previous = tensor.name
        }
        guard end == dataSize else { throw .unusedTrailingData(file: path, used: end, dataSize: dataSize) }
    }
}
