import Foundation
import Testing
@testable import LLM
import TestSupport

@Suite struct BPETrainerTests {
    func train(_ texts: [String], vocabularySize: Int = 1000, minimumPairCount: Int = 2) throws -> TrainedBPE {
        var trainer = BPETrainer(vocabularySize: vocabularySize, minimumPairCount: minimumPairCount)
        for text in texts { trainer.addText(text) }
        return try trainer.train()
    }

    @Test func firstMergesOfATinyCorpusByHand() throws {
        // Pieces: "abab" x1, " ab" x2. Pairs: (a,b) 2+2 = 4, (Ġ,a) 2, (b,a) 1.
        // 1. (a,b) -> "ab"; pieces [ab ab] x1, [Ġ ab] x2. 2. (Ġ,ab) 2 -> "Ġab".
        // 3. (ab,ab) occurs once: below the minimum count 2, so training stops.
        let trained = try train(["abab ab ab"])
        #expect(trained.merges.map { [$0.0, $0.1] } == [["a", "b"], ["Ġ", "ab"]])
        #expect(trained.specialTokens == ["<|endoftext|>"])
        #expect(trained.tokens.count == 256 + 2)
        #expect(Array(trained.tokens.suffix(2)) == ["ab", "Ġab"])
        // Ids: special 0, byte b at 1 + b, merges after.
        #expect(trained.tokens[Int(UInt8(ascii: "a"))] == "a")
        #expect(trained.tokens[0x20] == "Ġ" && trained.tokens[0x0A] == "Ċ")
        let withSingles = try train(["abab ab ab"], minimumPairCount: 1)
        #expect(withSingles.merges.map { [$0.0, $0.1] } == [["a", "b"], ["Ġ", "ab"], ["ab", "ab"]])
    }

    @Test func tiesGoToTheSmallestPairByBytes() throws {
        // "xy" and " yx": every pair occurs once. Bytes order: space (0x20) < x < y, so
        // (Ġ,y) first; then (Ġy,x), whose left token starts with a space, beats (x,y).
        let trained = try train(["xy yx"], minimumPairCount: 1)
        #expect(trained.merges.map { [$0.0, $0.1] } == [["Ġ", "y"], ["Ġy", "x"], ["x", "y"]])
    }

    @Test func stopsAtTheVocabularySize() throws {
        let trained = try train(["the cat and the hat and the bat sat on the mat"], vocabularySize: 257 + 3)
        #expect(trained.vocabularySize == 260 && trained.merges.count == 3)
        // "at" in cat, hat, bat, sat, mat: 5, above (t,h) and (h,e) at 4 and (Ġ,t) at 3.
        #expect(trained.merges.first.map { [$0.0, $0.1] } == ["a", "t"])
        #expect(throws: BPETrainerError.vocabularyTooSmall(requested: 200, minimum: 257)) {
            try BPETrainer(vocabularySize: 200).train()
        }
    }

    @Test func digitsAndSpecialTokensNeverMerge() throws {
        let corpus = (0..<200).map { "Tom has \($0) + 12 = \($0 + 12) apples.<|endoftext|>" }
        let trained = try train(corpus)
        let merged = trained.tokens.dropFirst(256)
        #expect(merged.count > 8)
        for token in merged {
            #expect(!token.contains { $0.isNumber }, "\(token) merges a digit")
            #expect(!token.contains("<") && !token.contains("|"), "\(token) is part of a special token")
        }
        let tokenizer = try trained.tokenizer()
        #expect(tokenizer.encode("<|endoftext|>") == [0])
        let ids = tokenizer.encode("123")
        #expect(ids.count == 3 && ids.map { tokenizer.token(of: $0) } == ["1", "2", "3"])
        #expect(tokenizer.encode(" apples").count == 1)
    }

    @Test func roundTripsAnyText() throws {
        let trained = try train(BPETrainerFixture.corpus, vocabularySize: 700)
        let tokenizer = try trained.tokenizer()
        let texts = BPETrainerFixture.corpus + [
            "", " ", "\n\n", "日本語のテキストです。東京は2024年に", "emoji 😀👍🏽 👨‍👩‍👧‍👦 🇯🇵",
            "Ana buys 3 * 12 = 36 eggs.\n#### 36", "unseen: ελληνικά हिन्दी \u{0}\u{7F}",
        ]
        for text in texts {
            #expect(tokenizer.decode(tokenizer.encode(text)) == text, "\(text.debugDescription)")
        }
        // The learned merges compress the corpus: far fewer tokens than bytes.
        let sample = BPETrainerFixture.corpus[0]
        #expect(tokenizer.encode(sample).count * 2 < sample.utf8.count)
    }

    @Test func theLoaderReadsTheWrittenFile() throws {
        let trained = try train(BPETrainerFixture.corpus, vocabularySize: 450)
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("tokenizer.json")
        try trained.write(to: url)
        let tokenizer = try Tokenizer(contentsOf: url)
        #expect(tokenizer.vocabularySize == trained.vocabularySize && trained.vocabularySize == 450)
        #expect(tokenizer.model.mergeCount == trained.merges.count)
        #expect(tokenizer.preTokenizer == BPETrainer.preTokenizer)
        #expect(tokenizer.addedTokens == [AddedToken(id: 0, content: "<|endoftext|>", special: true)])
        #expect(!tokenizer.addsBOS)
        for (offset, token) in trained.tokens.enumerated() {
            #expect(tokenizer.id(of: token) == offset + 1)
        }
    }

    /// The committed fixture (read by HF `tokenizers` in crosscheck/tokenizer_crosscheck.py) is
    /// exactly what the trainer writes today: training is deterministic and the file current.
    /// RECORD_TRAINED_TOKENIZER=1 rewrites it.
    @Test func trainingIsDeterministicAndMatchesTheFixture() throws {
        let json = try BPETrainerFixture.train().json()
        #expect(try BPETrainerFixture.train().json() == json)
        let url = BPETrainerFixture.fixtureURL
        if ProcessInfo.processInfo.environment["RECORD_TRAINED_TOKENIZER"] == "1" {
            try Data(json.utf8).write(to: url)
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == json, "the trainer's output changed: RECORD_TRAINED_TOKENIZER=1 rewrites \(url.path)")
    }
}

/// The corpus and settings of the committed trained tokenizer `Fixtures/trained-tokenizer.json`.
enum BPETrainerFixture {
    static let fixtureURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/trained-tokenizer.json")

    static let corpus: [String] = {
        var texts = [
            "The quick brown fox jumps over the lazy dog. It's 12:45 and we're late!",
            "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.",
            "日本語のテキストです。東京は2024年に大きな都市でした。",
            "Emoji: 😀👍🏽 👨‍👩‍👧‍👦 🇯🇵 and more text that repeats the the the.",
            "def f(x):\n    return x * 2  # comment\n\nprint(f(21))\n",
            "Tabs\tand  double  spaces   and trailing   ",
        ]
        let names = ["Tom", "Ana", "Mia", "Leo"]
        let things = ["apples", "pencils", "cookies", "stamps"]
        for i in 0..<60 {
            let a = i % 17 + 2, b = i % 5 + 3
            texts.append("\(names[i % 4]) has \(a) + \(b) = \(a + b) \(things[i % 4]).\n"
                + "\(names[(i + 1) % 4]) buys \(a) * \(b) = \(a * b) \(things[(i + 2) % 4]).\n#### \(a * b)")
        }
        // Three times over, so that every word of the first texts is frequent enough to merge.
        return texts + texts + texts
    }()

    static func train() throws -> TrainedBPE {
        var trainer = BPETrainer(vocabularySize: 500)
        for text in corpus { trainer.addText(text) }
        return try trainer.train()
    }
}
