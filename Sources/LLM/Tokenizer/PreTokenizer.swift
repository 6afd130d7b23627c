/// One step of a pre-tokenizer pipeline, as `tokenizer.json` describes it. Each step splits
/// every current piece further; ByteLevel comes last and maps pieces to GPT-2's alphabet.
public enum PreTokenizerStep: Sendable, Equatable {
    /// `Split` with behaviour Isolated (matches and the text between them become pieces).
    case split(SplitPattern)
    /// `Digits`: numbers (`\p{N}`) isolated, one per piece or as runs.
    case digits(individual: Bool)
    /// `ByteLevel`: optional GPT-2 regex split, optional leading space.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
}

/// The pre-tokenizer pipeline: text in, byte-level pieces (in GPT-2's alphabet) out.
public struct PreTokenizer: Sendable, Equatable {
    public var steps: [PreTokenizerStep]

    public init(steps: [PreTokenizerStep]) {
        self.steps = steps
    }

    /// Splits `text` and returns each piece as its UTF-8 bytes (the BPE model maps them).
    public func pieces(of text: [Unicode.Scalar]) -> [[UInt8]] {
        var pieces: [ArraySlice<Unicode.Scalar>] = [text[...]]
        for step in steps {
            var next: [ArraySlice<Unicode.Scalar>] = []
            next.reserveCapacity(pieces.count)
            for piece in pieces {
                switch step {
                case .split(let pattern):
                    for range in pattern.split(piece) { next.append(piece[range]) }
                case .digits(let individual):
                    Self.splitDigits(piece, individual: individual, into: &next)
                case .byteLevel(let addPrefixSpace, let useRegex):
                    // As in `tokenizers`: the space is added to every piece not starting with one.
                    var piece = piece
                    if addPrefixSpace, piece.first != " " { piece = ([" "] + piece)[...] }
                    if useRegex {
                        for range in SplitPattern.gpt2.split(piece) { next.append(piece[range]) }
                    } else {
                        next.append(piece)
                    }
                }
            }
            pieces = next
        }
        return pieces.map { piece in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(piece.count)
            for scalar in piece { appendUTF8(scalar, to: &bytes) }
            return bytes
        }
    }

    private static func splitDigits(
        _ piece: ArraySlice<Unicode.Scalar>, individual: Bool, into pieces: inout [ArraySlice<Unicode.Scalar>]
    ) {
        var index = piece.startIndex
        while index < piece.endIndex {
            let isNumber = UnicodeClasses.isNumber(piece[index])
            var end = index + 1
            if !isNumber || !individual {
                while end < piece.endIndex, UnicodeClasses.isNumber(piece[end]) == isNumber { end += 1 }
            }
            pieces.append(piece[index..<end])
            index = end
        }
    }
}

/// UTF-8 encoding of one scalar (every scalar encodes; no optional to unwrap).
@inline(__always)
func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
    let value = scalar.value
    switch value {
    case 0..<0x80:
        bytes.append(UInt8(value))
    case 0x80..<0x800:
        bytes.append(UInt8(0xC0 | value >> 6))
        bytes.append(UInt8(0x80 | value & 0x3F))
    case 0x800..<0x10000:
        bytes.append(UInt8(0xE0 | value >> 12))
        bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
        bytes.append(UInt8(0x80 | value & 0x3F))
    default:
        bytes.append(UInt8(0xF0 | value >> 18))
        bytes.append(UInt8(0x80 | value >> 12 & 0x3F))
        bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
        bytes.append(UInt8(0x80 | value & 0x3F))
    }
}
