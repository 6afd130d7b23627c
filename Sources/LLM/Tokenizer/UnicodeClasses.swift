/// The character classes of the pre-tokenizer regexes, as the Oniguruma engine behind Hugging
/// Face `tokenizers` defines them, with an ASCII fast path:
/// - `\p{L}`: general categories Lu, Ll, Lt, Lm, Lo
/// - `\p{N}`: Nd, Nl, No (also Rust's `char::is_numeric`, used by the Digits pre-tokenizer)
/// - `\s`: the White_Space property (tab..CR, space, U+0085, U+00A0, Zs, U+2028, U+2029)
enum UnicodeClasses {
    @inline(__always)
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    @inline(__always)
    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value >= 0x30 && value <= 0x39 }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return scalar.properties.isWhitespace
    }

    /// `[^\s\p{L}\p{N}]`: punctuation, symbols, marks, controls, ...
    @inline(__always)
    static func isOther(_ scalar: Unicode.Scalar) -> Bool {
        !isWhitespace(scalar) && !isLetter(scalar) && !isNumber(scalar)
    }

    @inline(__always)
    static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r"
    }
}
