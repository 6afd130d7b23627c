/// Reads little-endian scalars and GGUF strings from a byte buffer, checking every read
/// against the end of the buffer first (a bad length is an error, never an out-of-bounds read).
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let file: String
    private(set) var offset = 0

    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes are there; `what` names the thing being read.
    func require(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
        guard count >= 0, count <= remaining else {
            throw .truncated(file: file, offset: offset, needed: count, what: what())
        }
    }

    mutating func scalar<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, what())
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    /// A u64 length, checked to fit in what is left of the file.
    mutating func length(_ what: @autoclosure () -> String, elementSize: Int = 1) throws(GGUFError) -> Int {
        let start = offset
        let raw = try scalar(UInt64.self, what())
        let (total, overflow) = (Int(exactly: raw) ?? Int.max).multipliedReportingOverflow(by: elementSize)
        guard raw <= UInt64(Int.max), !overflow, total <= remaining else {
            throw .truncated(file: file, offset: start, needed: overflow || raw > UInt64(Int.max) ? Int.max : total, what: what())
        }
        return Int(raw)
    }

    /// A GGUF string: u64 byte length, then UTF-8 bytes (no terminator).
    mutating func string(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let count = try length(what())
        let start = offset
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        offset += count
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw .invalidString(file: file, offset: start, what: what())
        }
        return text
    }

    mutating func skip(to newOffset: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
        try require(newOffset - offset, what())
        offset = newOffset
    }
}
