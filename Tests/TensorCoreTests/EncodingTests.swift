import Testing
@testable import TensorCore

@Suite struct EncodingTests {
    @Test func float32RoundTripsBitwise() throws {
        let values: [Float] = [1.5, -0.0, .infinity, 3.1415927, Float(bitPattern: 0x0001_1170)]  // last: a subnormal
        let x = Tensor(values, shape: [5])
        let bytes = x.littleEndianBytes(encoding: .float32)
        #expect(Array(bytes[0..<4]) == [0x00, 0x00, 0xC0, 0x3F])        // 1.5 little-endian
        let back = try bytes.withUnsafeBytes { try Tensor(littleEndianBytes: $0, encoding: .float32, shape: [5]) }
        #expect(back.isBitwiseEqual(x))
    }

    @Test func bfloat16KnownValuesAndRounding() throws {
        // 1.0 = 0x3F80; 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1.0);
        // 1 + 3 * 2^-8 ties up to 1 + 2^-6.
        let values: [Float] = [1, 1 + 1.0 / 256, 1 + 3.0 / 256, -2, .nan]
        let x = Tensor(values)
        let bits = x.scalars.map(HalfPrecision.bf16(from:))
        #expect(Array(bits[0..<4]) == [0x3F80, 0x3F80, 0x3F82, 0xC000])
        #expect(Float(bitPattern: UInt32(bits[4]) << 16).isNaN)
        let bytes = x.littleEndianBytes(encoding: .bfloat16)
        let back = try bytes.withUnsafeBytes { try Tensor(littleEndianBytes: $0, encoding: .bfloat16, shape: [5]) }
        let expected: [Float] = [1, 1, 1 + 1.0 / 64, -2]
        #expect(Array(back.scalars[0..<4]) == expected)
    }

    @Test func float16KnownValuesAllFiniteHalvesRoundTrip() throws {
        #expect(HalfPrecision.f16(from: 1) == 0x3C00 && HalfPrecision.f16(from: -2) == 0xC000)
        #expect(HalfPrecision.f16(from: 65504) == 0x7BFF && HalfPrecision.f16(from: 70000) == 0x7C00)
        #expect(HalfPrecision.f16(from: Float(bitPattern: 0x3380_0000)) == 0x0001)      // 2^-24, smallest subnormal
        #expect(HalfPrecision.float(fromF16: 0x3555) == 0.333251953125)
        // Every finite half widens and narrows back to itself.
        for h in UInt16(0)...UInt16(0xFFFF) where (h >> 10) & 0x1F != 0x1F {
            let f = HalfPrecision.float(fromF16: h)
            #expect(HalfPrecision.f16(from: f) == h, "half \(h)")
            if HalfPrecision.f16(from: f) != h { break }
        }
        let small: [Float] = [0.1, -1000, 6e-8]
        let x = Tensor(small)
        let back = try x.littleEndianBytes(encoding: .float16).withUnsafeBytes {
            try Tensor(littleEndianBytes: $0, encoding: .float16, shape: [3])
        }
        expectClose(back.scalars, [0.0999755859375, -1000, 5.96046448e-08], tolerance: 1e-6)
    }

    @Test func wrongByteCountThrowsWithShape() {
        let bytes: [UInt8] = [0, 0, 0]
        #expect(throws: TensorDecodingError(shape: [2], encoding: .bfloat16, expectedBytes: 4, foundBytes: 3)) {
            try bytes.withUnsafeBytes { try Tensor(littleEndianBytes: $0, encoding: .bfloat16, shape: [2]) }
        }
    }
}
