import Testing
import TensorCore
@testable import LLM

@Suite struct BPEMergeTests {
    /// Overlapping merges over a two-letter alphabet, so merge order matters everywhere.
    let fixture = TokenizerFixture(merges: [
        ("a", "b"), ("b", "a"), ("a", "a"), ("ab", "a"), ("b", "b"), ("aa", "b"), ("ba", "ba"),
        ("ab", "ab"), ("bb", "a"), ("abab", "a"),
    ])

    @Test func heapAndScanAgreeOnRandomPieces() throws {
        let model = try fixture.tokenizer().model
        let (a, b) = (fixture.id("a"), fixture.id("b"))
        var generator = SplitMix64(state: 11)
        for _ in 0..<300 {
            let length = Int(generator.next() % 120)
            let ids = (0..<length).map { _ in generator.next() % 2 == 0 ? a : b }
            #expect(model.mergeByHeap(ids) == model.mergeByScanning(ids), "\(ids.count) symbols")
        }
    }

    @Test func handComputedMergeOrder() throws {
        let model = try fixture.tokenizer().model
        // "ababa": (a,b) rank 0 at 0 and 2 -> ab ab a; (ab,a) rank 3 at 2 -> ab aba? no:
        // pairs then are (ab,ab) rank 7 and (ab,a) rank 3: rank 3 wins -> ab + aba.
        let ids = ["a", "b", "a", "b", "a"].map(fixture.id)
        #expect(model.mergeByScanning(ids) == ["ab", "aba"].map(fixture.id))
        #expect(model.mergeByHeap(ids) == ["ab", "aba"].map(fixture.id))
    }

    @Test func longPiecesGoThroughTheHeapAndRoundTrip() throws {
        let tokenizer = try fixture.tokenizer()
        let text = String(repeating: "ab", count: 5000) + String(repeating: " ", count: 3000)
        #expect(tokenizer.decode(tokenizer.encode(text)) == text)
    }

    @Test func outOfRangeIDsAreRejectedNotAllocated() {
        let json = fixture.json.replacingOccurrences(of: #""ab":256"#, with: #""ab":99999999999999"#)
        #expect(json != fixture.json)
        #expect(throws: TokenizerError.self) { try Tokenizer(json: json) }
    }
}
