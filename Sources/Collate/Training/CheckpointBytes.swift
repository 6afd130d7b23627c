/// Little-endian building blocks of the checkpoint file, with a reader that never reads past
/// the end (a truncated or garbled file is an error naming the byte offset, not a crash).
struct CheckpointByteWriter {
    var bytes: [UInt8] = []

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Int) { append(UInt64(value)) }

    mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// A length-prefixed block.
    mutating func appendBlock(_ raw: [UInt8]) {
        append(raw.count)
        bytes.append(contentsOf: raw)
    }

    mutating func append(_ text: String) { appendBlock(Array(text.utf8)) }
}

struct CheckpointByteReader {
    struct Failure: Error { let reason: String }

    let bytes: [UInt8]
    private(set) var offset: Int
    /// Reads stop here (the checksum sits after it).
    let end: Int

    init(_ bytes: [UInt8], from offset: Int, end: Int) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
    }

    var isAtEnd: Bool { offset == end }

    mutating func word(_ field: String) throws(Failure) -> UInt64 {
        guard end - offset >= 8 else { throw Failure(reason: "truncated at byte \(offset) while reading \(field)") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return value
    }

    /// A count that must be at most `limit` (guards every allocation against a garbled length).
    mutating func count(_ field: String, atMost limit: Int) throws(Failure) -> Int {
        let start = offset
        let value = try word(field)
        guard value <= UInt64(max(limit, 0)) else {
            throw Failure(reason: "\(field) at byte \(start) is \(value), more than the \(limit) that fit")
        }
        return Int(value)
    }

    mutating func block(_ field: String) throws(Failure) -> [UInt8] {
        let length = try count("length of \(field)", atMost: end - offset - 8)
        defer { offset += length }
        return Array(bytes[offset..<(offset + length)])
    }

    mutating func string(_ field: String) throws(Failure) -> String {
        let start = offset
        let raw = try block(field)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw Failure(reason: "\(field) at byte \(start) is not UTF-8")
        }
        return text
    }

    mutating func raw(_ count: Int, _ field: String) throws(Failure) -> ArraySlice<UInt8> {
        guard end - offset >= count else { throw Failure(reason: "truncated at byte \(offset) while reading \(field)") }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}

/// FNV-1a (64-bit) over 8-byte little-endian words, the tail zero-padded: cheap enough for a
/// debug build over megabytes, and any flipped bit changes it.
enum CheckpointChecksum {
    static func of(_ bytes: [UInt8], count: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset + 8 <= count {
                hash = (hash ^ UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                    &* 0x0000_0100_0000_01B3
                offset += 8
            }
            var tail: UInt64 = 0
            for i in offset..<count { tail |= UInt64(buffer[i]) << (8 * UInt64(i - offset)) }
            hash = (hash ^ tail ^ UInt64(count)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
