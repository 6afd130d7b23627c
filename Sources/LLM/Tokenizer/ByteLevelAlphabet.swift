/// GPT-2's `bytes_to_unicode`: every byte gets a printable stand-in character so that BPE
/// vocabularies are plain strings. Printable Latin-1 bytes (! .. ~, ¡ .. ¬, ® .. ÿ) stand for
/// themselves; the other 68 bytes map, in byte order, to U+0100, U+0101, ... (space -> Ġ
/// U+0120, newline -> Ċ U+010A).
public enum ByteLevelAlphabet {
    /// `scalarOfByte[b]` is the stand-in for byte b.
    public static let scalarOfByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next)!  // 256 ..< 324 are all valid scalars
                next += 1
            }
        }
        return table
    }()

    /// Inverse of `scalarOfByte`, indexed by scalar value (all stand-ins are below U+0144).
    private static let byteOfScalarValue: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (byte, scalar) in scalarOfByte.enumerated() { table[Int(scalar.value)] = Int16(byte) }
        return table
    }()

    /// The byte a stand-in character represents, or nil for characters outside the alphabet.
    @inline(__always)
    public static func byte(of scalar: Unicode.Scalar) -> UInt8? {
        let value = Int(scalar.value)
        guard value < byteOfScalarValue.count else { return nil }
        let byte = byteOfScalarValue[value]
        return byte >= 0 ? UInt8(byte) : nil
    }

    /// The stand-in string for UTF-8 bytes.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var result = String.UnicodeScalarView()
        for byte in bytes { result.append(scalarOfByte[Int(byte)]) }
        return String(result)
    }

    /// The bytes behind a token string, or nil if some character is not a stand-in (added
    /// tokens written in plain text, for instance).
    public static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let byte = byte(of: scalar) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
