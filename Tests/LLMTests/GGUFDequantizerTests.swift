import Foundation
import Testing
import TensorCore
@testable import LLM

/// Each quantized type against hand-computed values on a hand-built block, and against a
/// naive reference (written from the format's description, value by value) on random blocks.
@Suite struct GGUFDequantizerTests {
    private func decode(_ type: GGMLType, _ bytes: [UInt8]) throws -> [Float] {
        try #require(bytes.withUnsafeBytes { GGUFDequantizer.floats(type, bytes: $0, count: bytes.count / type.blockBytes * type.blockSize) })
    }

    private func randomBlocks(_ type: GGMLType, count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        var bytes = (0..<count * type.blockBytes).map { _ in UInt8(rng.integer(below: 256)) }
        // Keep the F16 scales finite and modest (random bits can be inf/NaN).
        let scaleOffsets: [Int] = switch type {
        case .q8_0, .q4_0: [0]
        case .q4_1, .q4_K: [0, 2]
        case .q6_K: [208]
        default: []
        }
        for block in 0..<count {
            for offset in scaleOffsets {
                let value = Float(rng.integer(below: 2000) - 1000) / 997
                bytes.replaceSubrange(block * type.blockBytes + offset ..< block * type.blockBytes + offset + 2, with: f16Bytes(value))
            }
        }
        return bytes
    }

    private func half(_ bytes: [UInt8], _ at: Int) -> Float {
        HalfPrecision.float(fromF16: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8)
    }

    @Test func q8_0() throws {
        var block = f16Bytes(0.5) + [UInt8](repeating: 0, count: 32)
        block[2] = UInt8(bitPattern: -128); block[3] = UInt8(bitPattern: -1); block[4] = 1; block[33] = 127
        let values = try decode(.q8_0, block)
        #expect(Array(values[0..<3]) == [-64, -0.5, 0.5] && values[31] == 63.5 && values[5] == 0)
        let random = randomBlocks(.q8_0, count: 3, seed: 1)
        let naive = (0..<96).map { k -> Float in
            let block = k / 32
            return Float(Int8(bitPattern: random[block * 34 + 2 + k % 32])) * half(random, block * 34)
        }
        #expect(try decode(.q8_0, random) == naive)
    }

    @Test func q4_0() throws {
        var block = f16Bytes(2) + [UInt8](repeating: 0x88, count: 16)
        block[2] = 0x1F  // low nibble 15 -> value 0, high nibble 1 -> value 16
        let values = try decode(.q4_0, block)
        #expect(values[0] == 14 && values[16] == -14 && values[1] == 0 && values[31] == 0)
        let random = randomBlocks(.q4_0, count: 3, seed: 2)
        let naive = (0..<96).map { k -> Float in
            let block = k / 32, j = k % 32, byte = random[block * 18 + 2 + j % 16]
            let nibble = j < 16 ? Int(byte & 15) : Int(byte >> 4)
            return Float(nibble - 8) * half(random, block * 18)
        }
        #expect(try decode(.q4_0, random) == naive)
    }

    @Test func q4_1() throws {
        var block = f16Bytes(0.25) + f16Bytes(-1) + [UInt8](repeating: 0, count: 16)
        block[4] = 0x1F
        block[19] = 0xF0
        let values = try decode(.q4_1, block)
        #expect(values[0] == 2.75 && values[16] == -0.75 && values[15] == -1 && values[31] == 2.75)
        let random = randomBlocks(.q4_1, count: 3, seed: 3)
        let naive = (0..<96).map { k -> Float in
            let block = k / 32, j = k % 32, byte = random[block * 20 + 4 + j % 16]
            let nibble = j < 16 ? byte & 15 : byte >> 4
            return Float(nibble) * half(random, block * 20) + half(random, block * 20 + 2)
        }
        #expect(try decode(.q4_1, random) == naive)
    }

    /// Q4_K's 12 scale bytes hold 8 six-bit scales and 8 six-bit mins: bytes 0-3 scales 0-3
    /// (low 6 bits), bytes 4-7 mins 0-3, bytes 8-11 the low 4 bits of scale (low nibble) and
    /// min (high nibble) 4-7, whose top 2 bits are the spare top bits of bytes 0-3 / 4-7.
    private func naiveQ4K(_ bytes: [UInt8]) -> [Float] {
        (0..<bytes.count / 144 * 256).map { index in
            let base = index / 256 * 144, k = index % 256
            let d = half(bytes, base), dmin = half(bytes, base + 2)
            let s = bytes[(base + 4)..<(base + 16)].map { Int($0) }
            let sub = k / 32
            let scale = sub < 4 ? s[sub] & 63 : (s[sub + 4] & 15) + (s[sub - 4] >> 6) * 16
            let minimum = sub < 4 ? s[sub + 4] & 63 : (s[sub + 4] >> 4) + (s[sub] >> 6) * 16
            let byte = bytes[base + 16 + 32 * (k / 64) + k % 32]
            let q = sub % 2 == 0 ? byte & 15 : byte >> 4
            return d * Float(scale) * Float(q) - dmin * Float(minimum)
        }
    }

    @Test func q4_K() throws {
        var block = f16Bytes(1) + f16Bytes(0.5) + [UInt8](repeating: 0, count: 140)
        let scales = 4
        block[scales + 0] = 3           // sub-block 0: scale 3
        block[scales + 4] = 2           //              min 2
        block[scales + 1] = 0b01_000001 // sub-block 1: scale 1; top bits 01 -> sub-block 5 scale +16
        block[scales + 5] = 0b10_000000 // sub-block 1: min 0; top bits 10 -> sub-block 5 min +32
        block[scales + 9] = 0x21        // sub-block 5: scale low 1, min low 2
        block[16 + 0] = 0x5A            // value 0: nibble 10 (sub-block 0); value 32: nibble 5 (sub-block 1)
        block[16 + 64] = 0x70           // value 160: nibble 7 of sub-block 5
        let values = try decode(.q4_K, block)
        #expect(values[0] == 3 * 10 - 0.5 * 2)     // 29
        #expect(values[1] == -1)                    // nibble 0: -dmin * min
        #expect(values[32] == 5)                    // 1 * 5 - 0.5 * 0
        #expect(values[160] == 17 * 7 - 0.5 * 34)   // 102
        #expect(values == naiveQ4K(block))
        let random = randomBlocks(.q4_K, count: 2, seed: 4)
        #expect(try decode(.q4_K, random) == naiveQ4K(random))
    }

    /// Q6_K: value k of a 128-value half n: quarter r = k/32 within the half, l = k%32; low 4
    /// bits from ql[64n + l + 32*(r%2)] (low nibble for r < 2), high 2 bits from bits 2r of
    /// qh[32n + l], scale index 8n + 2r + l/16.
    private func naiveQ6K(_ bytes: [UInt8]) -> [Float] {
        (0..<bytes.count / 210 * 256).map { index in
            let base = index / 256 * 210, k = index % 256
            let n = k / 128, r = (k % 128) / 32, l = k % 32
            let low = bytes[base + 64 * n + l + 32 * (r % 2)]
            let low4 = r < 2 ? Int(low & 15) : Int(low >> 4)
            let high2 = Int(bytes[base + 128 + 32 * n + l] >> (2 * r)) & 3
            let scale = Int8(bitPattern: bytes[base + 192 + 8 * n + 2 * r + l / 16])
            return half(bytes, base + 208) * Float(scale) * Float(low4 + 16 * high2 - 32)
        }
    }

    @Test func q6_K() throws {
        var block = [UInt8](repeating: 0, count: 208) + f16Bytes(0.5)
        block[0] = 0x0F                        // value 0: low 15
        block[128] = 0b10                      // value 0: high 2 -> q = 15 + 32 - 32 = 15
        block[192] = 3                         // scale of values 0..<16
        block[192 + 7] = UInt8(bitPattern: -2) // scale of values 112..<128 (l/16 = 1, r = 3)
        block[32 + 20] = 0xF0                  // value 96 + 20: high nibble 15 (r = 3, l = 20)
        block[128 + 20] = 0b11_000000          // its high 2 bits: 3 -> q = 15 + 48 - 32 = 31
        let values = try decode(.q6_K, block)
        #expect(values[0] == 0.5 * 3 * 15)       // 22.5
        #expect(values[1] == 0.5 * 3 * -32)      // everything else zero bits: q = -32
        #expect(values[116] == 0.5 * -2 * 31)    // -31
        #expect(values == naiveQ6K(block))
        let random = randomBlocks(.q6_K, count: 2, seed: 5)
        #expect(try decode(.q6_K, random) == naiveQ6K(random))
    }

    @Test func plainFloatTypes() throws {
        #expect(try decode(.f32, le(Float(-1.5).bitPattern) + le(Float(3).bitPattern)) == [-1.5, 3])
        #expect(try decode(.f16, f16Bytes(0.099975586) + f16Bytes(-65504)) == [0.099975586, -65504])
        #expect(try decode(.bf16, [0x80, 0x3F, 0x20, 0xC1]) == [1, -10])
        // Sizes that do not match are refused, not read past.
        #expect([UInt8](repeating: 0, count: 33).withUnsafeBytes { GGUFDequantizer.floats(.q8_0, bytes: $0, count: 32) } == nil)
        #expect([UInt8](repeating: 0, count: 84).withUnsafeBytes { GGUFDequantizer.floats(.q2_K, bytes: $0, count: 256) } == nil)
    }
}
