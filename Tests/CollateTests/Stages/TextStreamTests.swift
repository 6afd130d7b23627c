import Foundation
import Testing
import LLM
@testable import Collate

/// The streaming decoder of rationales: pieces released token by token join to the full
/// decoding, however characters are split over tokens (multi-byte characters cut in the
/// middle, invalid bytes, special tokens), and every piece is final (a prefix of the text).
@Suite struct TextStreamTests {
    static let tokenizer: Tokenizer? = try? ModelDirectory(
        url: Fixtures.repositoryRoot.appendingPathComponent("sessions/demo/model")).tokenizer

    func check(_ tokens: [Int], _ tokenizer: Tokenizer) {
        let full = tokenizer.decode(tokens, skipSpecialTokens: true)
        var stream = TextStream(tokenizer: tokenizer)
        var joined = ""
        for token in tokens {
            if let piece = stream.append(token) { joined += piece }
            // Scalar by scalar (a piece may end inside a grapheme cluster such as a ZWJ emoji).
            #expect(full.unicodeScalars.starts(with: joined.unicodeScalars), "released text is final")
        }
        if let rest = stream.finish() { joined += rest }
        #expect(Array(joined.unicodeScalars) == Array(full.unicodeScalars))
    }

    @Test func piecesJoinToTheFullDecoding() throws {
        let tokenizer = try #require(Self.tokenizer)
        for text in ["The answer is 42.", "caf\u{E9} na\u{EF}ve \u{1F600} \u{4E2D}\u{6587} \u{20AC}5", "a\n\nb  c\t\u{1F468}\u{200D}\u{1F469}"] {
            check(tokenizer.encode(text), tokenizer)
        }
    }

    @Test func byteTokensCutCharactersAndInvalidBytesJoinToo() throws {
        let tokenizer = try #require(Self.tokenizer)
        // Single-byte tokens: the 3-byte euro sign split over three tokens, a lead byte cut off by
        // ASCII, a stray continuation byte, a 4-byte emoji cut at the end, a special token between.
        func byte(_ b: UInt8) -> Int? { tokenizer.id(of: ByteLevelAlphabet.encode([b])) }
        let special = tokenizer.specialTokenIDs.first
        let bytes: [UInt8] = [0x41, 0xE2, 0x82, 0xAC, 0x20, 0xE2, 0x41, 0x80, 0x42, 0xC3, 0xA9, 0xF0, 0x9F, 0x98]
        var tokens = bytes.compactMap(byte)
        #expect(tokens.count == bytes.count, "the demo tokenizer has a token per byte")
        if let special { tokens.insert(special, at: 3) }
        check(tokens, tokenizer)
        // And every split of the sequence into a prefix decoded so far.
        for cut in 1..<tokens.count { check(Array(tokens[..<cut]), tokenizer) }
    }
}
