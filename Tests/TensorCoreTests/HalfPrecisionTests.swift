import Testing
@testable import TensorCore

@Suite struct HalfPrecisionTests {
    @Test func f16SpecialValues() {
        #expect(HalfPrecision.f16(from: .infinity) == 0x7C00)
        #expect(HalfPrecision.f16(from: -.infinity) == 0xFC00)
        #expect(HalfPrecision.float(fromF16: HalfPrecision.f16(from: .nan)).isNaN)
        #expect(HalfPrecision.f16(from: -0.0) == 0x8000)
        #expect(HalfPrecision.f16(from: 65504) == 0x7BFF)  // largest finite
        #expect(HalfPrecision.f16(from: 65519) == 0x7BFF)  // below the halfway point to 65536
        #expect(HalfPrecision.f16(from: 65520) == 0x7C00)  // tie with odd 0x7BFF rounds up to inf
        #expect(HalfPrecision.f16(from: 1e6) == 0x7C00)
        #expect(HalfPrecision.float(fromF16: 0x7C00) == .infinity)
        #expect(HalfPrecision.float(fromF16: 0x7E00).isNaN)
    }

    @Test func f16Subnormals() {
        #expect(HalfPrecision.f16(from: 0x1p-24) == 0x0001)        // smallest subnormal
        #expect(HalfPrecision.f16(from: 0x1p-25) == 0x0000)        // tie between 0 and 1: even is 0
        #expect(HalfPrecision.f16(from: 0x1.8p-25) == 0x0001)      // above the tie
        #expect(HalfPrecision.f16(from: 0x1.8p-24) == 0x0002)      // 1.5 ulp: tie to even 2
        #expect(HalfPrecision.f16(from: 0x1p-26) == 0x0000)
        #expect(HalfPrecision.f16(from: 0x1.ffcp-15) == 0x0400)    // rounds up into the smallest normal
        #expect(HalfPrecision.float(fromF16: 0x0001) == 0x1p-24)
        #expect(HalfPrecision.float(fromF16: 0x03FF) == 0x3FFp-24)
        #expect(HalfPrecision.float(fromF16: 0x8001) == -0x1p-24)
    }

    @Test func f16RoundingTies() {
        #expect(HalfPrecision.f16(from: 1 + 0x1p-11) == 0x3C00)    // tie, 0x3C00 even: down
        #expect(HalfPrecision.f16(from: 1 + 0x3p-11) == 0x3C02)    // tie, 0x3C01 odd: up
        #expect(HalfPrecision.f16(from: 1 + 0x1.8p-11) == 0x3C01)  // above the tie
        #expect(HalfPrecision.f16(from: -(1 + 0x3p-11)) == 0xBC02)
    }

    @Test func everyF16RoundTripsThroughFloat() {
        for bits in UInt16.min...UInt16.max {
            let value = HalfPrecision.float(fromF16: bits)
            if value.isNaN { continue }
            #expect(HalfPrecision.f16(from: value) == bits, "bits \(bits)")
        }
    }

    #if !(os(macOS) && arch(x86_64))
    /// Swift's own Float16 (hardware or compiler-rt) as the reference implementation.
    @Test func agreesWithSwiftFloat16() {
        for bits in UInt16.min...UInt16.max {
            let ours = HalfPrecision.float(fromF16: bits)
            let theirs = Float(Float16(bitPattern: bits))
            #expect(ours.bitPattern == theirs.bitPattern || (ours.isNaN && theirs.isNaN))
        }
        var generator = SplitMix64(state: 7)
        for _ in 0..<20_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            if value.isNaN { continue }
            #expect(HalfPrecision.f16(from: value) == Float16(value).bitPattern, "value \(value)")
        }
    }
    #endif

    @Test func bf16SpecialValues() {
        #expect(HalfPrecision.bf16(from: .infinity) == 0x7F80)
        #expect(HalfPrecision.bf16(from: -.infinity) == 0xFF80)
        #expect(HalfPrecision.bf16(from: .nan) == 0x7FC0)
        #expect(HalfPrecision.bf16(from: .greatestFiniteMagnitude) == 0x7F80)  // rounds up to inf
        #expect(HalfPrecision.bf16(from: -0.0) == 0x8000)
        #expect(HalfPrecision.float(fromBF16: 0x7F80) == .infinity)
        #expect(HalfPrecision.float(fromBF16: 0x7FC0).isNaN)
    }

    @Test func bf16Subnormals() {
        // 1e-40 is a Float subnormal (bits 0x000116C2): rounds to BF16 0x0001 = 2^-133.
        #expect(HalfPrecision.bf16(from: Float(bitPattern: 0x0001_16C2)) == 0x0001)
        #expect(HalfPrecision.float(fromBF16: 0x0001) == 0x1p-133)
        #expect(HalfPrecision.bf16(from: 0x1p-134) == 0x0000)  // tie between 0 and 2^-133: even is 0
    }

    @Test func bf16RoundingTies() {
        #expect(HalfPrecision.bf16(from: 1 + 0x1p-8) == 0x3F80)    // tie, even: down
        #expect(HalfPrecision.bf16(from: 1 + 0x3p-8) == 0x3F82)    // tie, odd 0x3F81: up
        #expect(HalfPrecision.bf16(from: 1 + 0x1.8p-8) == 0x3F81)  // above the tie
        #expect(HalfPrecision.bf16(from: 3.0) == 0x4040)
        #expect(HalfPrecision.float(fromBF16: 0x4040) == 3.0)
    }
}
