import Foundation
import GRDB
import Testing
@testable import Collate

/// SQLite text goes through GRDB as C strings, so a U+0000 would end the stored text there:
/// "a\0b" came back as "a" with no error. Model output keeps its NUL as U+FFFD; every other
/// text with a NUL is refused by the store, naming the table and field, and nothing is written.
@Suite struct NULTextTests {
    @Test func aRationaleWithANULIsStoredWholeWithTheNULAsReplacementCharacter() throws {
        let store = try Fixtures.store(prompts: 1)
        // The last NUL is followed by a combining mark (a control character is a grapheme of its own).
        let text = "Tom has 3\u{0} apples.\u{0}\u{0} So 3.\u{0}\u{301}"
        #expect(try store.saveGenerations([GenerationRecord(promptId: 1, iteration: 1, provider: 1, text: text,
                                                            tokenCount: 9)]) == 1)
        let stored = try store.read { db in try GenerationRecord.fetchAll(db) }
        #expect(stored.map(\.text) == ["Tom has 3\u{FFFD} apples.\u{FFFD}\u{FFFD} So 3.\u{FFFD}\u{301}"])
    }

    @Test func anAnswerWithANULIsStoredWhole() throws {
        let store = try Fixtures.store(prompts: 1)
        let prediction = PredictionRecord(promptId: 1, iteration: 1, provider: 0, generationId: nil,
                                          text: "4\u{0}2", correct: false)
        _ = try store.saveScoresAndPredictions(scores: [], predictions: [prediction])
        #expect(try store.read { db in try PredictionRecord.fetchAll(db) }.map(\.text) == ["4\u{FFFD}2"])
    }

    @Test func aPromptWithANULIsRefusedNamingTheField() throws {
        let store = try Fixtures.store(prompts: 1)
        #expect(throws: StoreError.nulCharacter(table: "prompt", field: "goldAnswer")) {
            try store.write { db in
                var prompt = PromptRecord(split: .train, instruction: "q", goldRationale: nil, goldAnswer: "1\u{0}\u{301}2",
                                          options: nil, sourceFile: "t.jsonl", sourceLine: 2, sourceHash: "h2")
                try prompt.insert(db)
            }
        }
        #expect(try store.read { db in try PromptRecord.fetchCount(db) } == 1)
    }

    @Test func aHandWrittenRationaleOrNoteWithANULIsRefusedAndTheLabelKept() throws {
        let store = try Fixtures.store(prompts: 1)
        try Fixtures.score(store, prompt: 1, iteration: 1, provider: 1, logprobs: [-1])
        try Fixtures.score(store, prompt: 1, iteration: 1, provider: 2, logprobs: [-2])
        _ = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .pair(chosen: 1, rejected: 2),
                                      note: nil, providerCount: 2)
        #expect(throws: StoreError.nulCharacter(table: "label", field: "chosenRationale")) {
            try store.writeHumanLabel(promptID: 1, iteration: 1, request: .rationale("18\u{0} / 2", rejected: 2),
                                      note: nil, providerCount: 2)
        }
        #expect(throws: StoreError.nulCharacter(table: "label", field: "note")) {
            try store.writeHumanLabel(promptID: 1, iteration: 1, request: .pair(chosen: 2, rejected: 1),
                                      note: "a\u{0}b", providerCount: 2)
        }
        let label = try #require(try store.effectiveLabel(promptID: 1, iteration: 1))
        #expect(label.chosenProvider == 1 && label.rejectedProvider == 2)
    }
}
