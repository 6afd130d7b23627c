/// IEEE binary16 (F16) and bfloat16 (BF16) conversions, written out bit by bit so they behave
/// the same on every platform (Swift's `Float16` is missing on macOS x86) and so the rounding
/// is visible: float -> 16-bit rounds to nearest, ties to even, as PyTorch does.
public enum HalfPrecision {
    /// F16 bits -> Float. Exact: every binary16 value is representable in binary32.
    @inline(__always)
    public static func float(fromF16 bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits) & 0x3FF
        if exponent == 0 {
            // Zero or subnormal: mantissa * 2^-24, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return Float(bitPattern: magnitude.bitPattern | sign)
        }
        if exponent == 0x1F {
            // Inf or NaN; the NaN payload moves to the top of the wider mantissa.
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        }
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }

    /// Float -> F16 bits, round to nearest even; overflow gives inf, NaN stays a (quiet) NaN.
    public static func f16(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            return mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | UInt16(mantissa >> 13)
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1F { return sign | 0x7C00 }
        if halfExponent <= 0 {
            // Result is subnormal (or rounds up to the smallest normal): mantissa * 2^-24.
            if halfExponent < -10 { return sign }  // below 2^-25: rounds to zero
            let significand = mantissa | 0x80_0000
            let shift = UInt32(14 - halfExponent)
            var half = significand >> shift
            let remainder = significand & ((1 << shift) - 1)
            let halfway: UInt32 = 1 << (shift - 1)
            if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(halfExponent) << 10 | mantissa >> 13
        let remainder = mantissa & 0x1FFF
        // A carry out of the mantissa correctly bumps the exponent (and 0x7BFF+1 is inf).
        if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }

    /// BF16 bits -> Float: bfloat16 is the top half of a binary32.
    @inline(__always)
    public static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Float -> BF16 bits, round to nearest even; NaN becomes 0x7FC0 as in PyTorch.
    public static func bf16(from value: Float) -> UInt16 {
        if value.isNaN { return 0x7FC0 }
        let bits = value.bitPattern
        let lsb = (bits >> 16) & 1
        let (rounded, _) = bits.addingReportingOverflow(0x7FFF + lsb)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }
}
