/// Finds the first NaN or infinity in little-endian encoded floats, for refusing poisoned
/// checkpoints at load time. A value is non-finite exactly when its exponent bits are all
/// ones, so the scan is one mask-and-compare per element; it lives here (built optimised in
/// every configuration) because it runs over every byte of a model when it loads.
public enum NonFiniteScan {
    /// The element index of the first NaN or infinity in `bytes`, or nil if all are finite.
    public static func firstIndex(in bytes: UnsafeRawBufferPointer, encoding: ScalarEncoding) -> Int? {
        switch encoding {
        case .float32: return scan(bytes, as: UInt32.self, exponent: 0x7F80_0000)
        case .float16: return scan(bytes, as: UInt16.self, exponent: 0x7C00)
        case .bfloat16: return scan(bytes, as: UInt16.self, exponent: 0x7F80)
        case .q8_0, .q4_0, .q4_1: return firstNonFiniteBlock(bytes, encoding: encoding)
        }
    }

    private static func scan<Word: FixedWidthInteger & UnsignedInteger>(
        _ bytes: UnsafeRawBufferPointer, as _: Word.Type, exponent: Word
    ) -> Int? {
        let width = MemoryLayout<Word>.size
        let count = bytes.count / width
        // Blocks of 64 elements: a count of non-finite ones (a select, not a branch, per
        // element) keeps the all-finite case straight-line; a hit is found in its block after.
        var block = 0
        while block < count {
            let end = min(block + 64, count)
            var hits = 0
            for index in block..<end {
                let word = Word(littleEndian: bytes.loadUnaligned(fromByteOffset: index * width, as: Word.self))
                hits &+= word & exponent == exponent ? 1 : 0
            }
            if hits > 0 {
                for index in block..<end {
                    let word = Word(littleEndian: bytes.loadUnaligned(fromByteOffset: index * width, as: Word.self))
                    if word & exponent == exponent { return index }
                }
            }
            block = end
        }
        return nil
    }
}
