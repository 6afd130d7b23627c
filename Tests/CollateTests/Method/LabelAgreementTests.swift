import Testing
@testable import Collate

@Suite struct LabelAgreementTests {
    @Test func countsOnlyHumanDecisionsThatKeepTheAutoPair() {
        let auto = LabelDecision(action: .chosen, chosenProvider: 1, rejectedProvider: 2)
        let filtered = LabelDecision(action: .filtered, chosenProvider: 2, rejectedProvider: 3)
        let agreement = LabelAgreement([
            (auto, LabelDecision(action: .chosen, chosenProvider: 1, rejectedProvider: 2)),   // same pair
            (auto, LabelDecision(action: .chosen, chosenProvider: 2, rejectedProvider: 1)),   // swapped
            (auto, LabelDecision(action: .chosen, chosenProvider: 1, rejectedProvider: 3)),   // other loser
            (auto, LabelDecision(action: .dropped)),                                          // dropped
            (auto, LabelDecision(action: .chosen, rejectedProvider: 2, chosenRationale: "by hand")),
            (filtered, LabelDecision(action: .keptFiltered, chosenProvider: 2, rejectedProvider: 3)), // override
            (filtered, LabelDecision(action: .filtered, chosenProvider: 2, rejectedProvider: 3)),     // accepted
        ])
        #expect(agreement.compared == 7)
        #expect(agreement.agreed == 2)
        #expect(agreement.fraction == 2.0 / 7.0)
        #expect(LabelAgreement([]).fraction == nil)
    }

    /// Dropping a filtered auto pair is an override (the workbench's rule, now the one rule),
    /// though neither label trains.
    @Test func droppingAFilteredPairIsAnOverride() {
        let filtered = LabelDecision(action: .filtered, chosenProvider: 2, rejectedProvider: 3)
        let dropped = LabelDecision(action: .dropped, chosenProvider: 2, rejectedProvider: 3)
        #expect(!LabelAgreement.humanKeptAutoPair(auto: filtered, human: dropped))
    }
}
