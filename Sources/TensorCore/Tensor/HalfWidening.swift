/// SIMD widening of F16 and BF16 words to Float32, the inner step of every kernel that reads
/// 16-bit weights. BF16 is the top half of a binary32, so widening is a zero-extend and a
/// shift. F16 uses the hardware conversion where the build has it (`vcvtph2ps` with F16C on
/// x86 under `-target-cpu native`, `fcvtl` on arm64): LLVM turns the `Float16` vector
/// conversion into one instruction per 8 lanes. Portable builds (no F16C) and macOS on x86
/// (no `Float16` type) use an exact integer formulation instead (Giesen's "half to float
/// fast": rebias the exponent, fix up subnormals with one float subtract, inf/NaN with an add).

/// 16 BF16 words at `words` (any alignment) -> 16 floats. Exact.
@inline(__always)
func widenBF16x16(_ words: UnsafeRawPointer) -> SIMD16<Float> {
    unsafeBitCast(zeroExtended(words.loadUnaligned(as: SIMD16<UInt16>.self)) &<< 16, to: SIMD16<Float>.self)
}

/// The 16 words widened to 32-bit lanes. A lane loop rather than
/// `SIMD16<UInt32>(truncatingIfNeeded:)`: perf showed that conversion as an out-of-line call
/// (6% of a BF16 decode step); the loop compiles to two `vpmovzxwd`.
@inline(__always)
func zeroExtended(_ words: SIMD16<UInt16>) -> SIMD16<UInt32> {
    var wide = SIMD16<UInt32>()
    for lane in 0..<16 { wide[lane] = UInt32(words[lane]) }
    return wide
}

/// 16 F16 words at `words` (any alignment) -> 16 floats. Exact (NaNs stay NaN).
@inline(__always)
func widenF16x16(_ words: UnsafeRawPointer) -> SIMD16<Float> {
#if COLLATE_PORTABLE || (os(macOS) && arch(x86_64))
    return widenF16x16Integer(words.loadUnaligned(as: SIMD16<UInt16>.self))
#else
    let low = SIMD8<Float>(unsafeBitCast(words.loadUnaligned(as: SIMD8<UInt16>.self), to: SIMD8<Float16>.self))
    let high = SIMD8<Float>(unsafeBitCast(words.loadUnaligned(fromByteOffset: 16, as: SIMD8<UInt16>.self),
                                          to: SIMD8<Float16>.self))
    return SIMD16(lowHalf: low, highHalf: high)
#endif
}

/// The F16 widening without a hardware conversion, on integer lanes (vectorises on any SIMD
/// ISA). Kept callable in every build so tests check it against `HalfPrecision`.
@inline(__always)
func widenF16x16Integer(_ words: SIMD16<UInt16>) -> SIMD16<Float> {
    let h = zeroExtended(words)
    let shiftedExponent: UInt32 = 0x7C00 << 13
    var magnitude = (h & 0x7FFF) &<< 13
    let exponent = magnitude & shiftedExponent
    magnitude &+= (127 - 15) << 23                                     // rebias the exponent
    // Inf / NaN: push the exponent the rest of the way to 255.
    magnitude.replace(with: magnitude &+ ((128 - 16) << 23), where: exponent .== shiftedExponent)
    // Zero / subnormal: m * 2^-24 = float(2^-14 + m * 2^-24) - 2^-14, exact.
    let subnormal = exponent .== 0
    let magic = SIMD16<Float>(repeating: 0x1p-14)
    let adjusted = unsafeBitCast(magnitude &+ (1 << 23), to: SIMD16<Float>.self) - magic
    magnitude.replace(with: unsafeBitCast(adjusted, to: SIMD16<UInt32>.self), where: subnormal)
    return unsafeBitCast(magnitude | ((h & 0x8000) &<< 16), to: SIMD16<Float>.self)
}

/// `count` words of `encoding` (F16 or BF16) at `words` -> floats at `out`.
func widenHalfWords(_ words: UnsafePointer<UInt16>, encoding: ScalarEncoding, count: Int,
                    into out: UnsafeMutablePointer<Float>) {
    let vectorCount = count / 16 * 16
    var i = 0
    if encoding == .float16 {
        while i < vectorCount {
            UnsafeMutableRawPointer(out + i).storeBytes(of: widenF16x16(words + i), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { out[i] = HalfPrecision.float(fromF16: words[i]); i += 1 }
    } else {
        precondition(encoding == .bfloat16, "widenHalfWords: \(encoding) is not a 16-bit encoding")
        while i < vectorCount {
            UnsafeMutableRawPointer(out + i).storeBytes(of: widenBF16x16(words + i), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { out[i] = HalfPrecision.float(fromBF16: words[i]); i += 1 }
    }
}

/// `count` floats -> words of `encoding` (F16 or BF16), rounding to nearest even.
func narrowToHalfWords(_ values: UnsafePointer<Float>, encoding: ScalarEncoding, count: Int,
                       into out: UnsafeMutablePointer<UInt16>) {
    if encoding == .float16 {
        for i in 0..<count { out[i] = HalfPrecision.f16(from: values[i]) }
    } else {
        precondition(encoding == .bfloat16, "narrowToHalfWords: \(encoding) is not a 16-bit encoding")
        for i in 0..<count { out[i] = HalfPrecision.bf16(from: values[i]) }
    }
}
