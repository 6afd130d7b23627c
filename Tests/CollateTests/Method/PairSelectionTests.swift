import Testing
@testable import Collate

@Suite struct PairSelectionTests {
    static func table(_ scores: [Int: Double]) -> [ScoredCandidate] {
        scores.map { ScoredCandidate(provider: $0.key, score: $0.value) }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let scores: [Int: Double]
        let baseline: Double
        let chosen: Int
        let rejected: Int
        let kept: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "clear winner above baseline", scores: [1: 0.5, 2: 0.8, 3: 0.2], baseline: 0.6,
             chosen: 2, rejected: 3, kept: true),
        Case(name: "chosen ties the baseline: dropped", scores: [1: 0.5, 2: 0.8, 3: 0.2], baseline: 0.8,
             chosen: 2, rejected: 3, kept: false),
        Case(name: "chosen below the baseline: dropped", scores: [1: 0.5, 2: 0.7], baseline: 0.9,
             chosen: 2, rejected: 1, kept: false),
        Case(name: "all equal: first vs last, dropped", scores: [1: 0.4, 2: 0.4, 3: 0.4], baseline: 0.1,
             chosen: 1, rejected: 3, kept: false),
        Case(name: "tie for best goes to the lower provider", scores: [1: 0.3, 2: 0.9, 3: 0.9, 4: 0.1],
             baseline: 0.2, chosen: 2, rejected: 4, kept: true),
        Case(name: "tie for worst goes to the higher provider", scores: [1: 0.1, 2: 0.5, 3: 0.1],
             baseline: 0.2, chosen: 2, rejected: 3, kept: true),
        Case(name: "zero scores (underflow) still rank", scores: [1: 0, 2: 1e-300], baseline: 0,
             chosen: 2, rejected: 1, kept: true),
    ]

    @Test(arguments: cases)
    func bestVersusWorstWithFilter(_ c: Case) throws {
        // Whatever order the candidates arrive in.
        for candidates in [Self.table(c.scores).sorted { $0.provider < $1.provider },
                           Self.table(c.scores).sorted { $0.provider > $1.provider }] {
            let decision = try PairSelection.decide(
                candidates: candidates, baseline: c.baseline, rules: PairingRules(), promptID: 7, iteration: 1)
            #expect(decision.chosen.provider == c.chosen)
            #expect(decision.rejected.provider == c.rejected)
            #expect(decision.kept == c.kept)
            #expect(decision.chosen.score == c.scores[c.chosen])
            #expect(decision.baseline == c.baseline)
        }
    }

    @Test func noFilterKeepsEveryPair() throws {
        let decision = try PairSelection.decide(
            candidates: Self.table([1: 0.4, 2: 0.4]), baseline: 0.9,
            rules: PairingRules(noFilter: true), promptID: 1, iteration: 1)
        #expect(decision.kept)
        #expect(decision.chosen.provider == 1 && decision.rejected.provider == 2)
    }

    @Test func filterIsStrict() {
        #expect(PairSelection.passesFilter(chosen: 0.5, rejected: 0.4, baseline: 0.49))
        #expect(!PairSelection.passesFilter(chosen: 0.5, rejected: 0.5, baseline: 0.1))
        #expect(!PairSelection.passesFilter(chosen: 0.5, rejected: 0.1, baseline: 0.5))
    }

    @Test func randomPairsAreDeterministicDistinctAndCoverAllPairs() throws {
        let candidates = Self.table([1: 0.1, 2: 0.9, 3: 0.5, 4: 0.3])
        let rules = PairingRules(randomPairs: true, seed: 42)
        var seen = Set<[Int]>()
        for prompt in Int64(1)...200 {
            let decision = try PairSelection.decide(
                candidates: candidates, baseline: 0, rules: rules, promptID: prompt, iteration: 2)
            let again = try PairSelection.decide(
                candidates: candidates.reversed(), baseline: 0, rules: rules, promptID: prompt, iteration: 2)
            #expect(decision == again)
            #expect(decision.chosen.provider != decision.rejected.provider)
            // The filter still applies to the drawn pair: kept only when it agrees with the scores.
            #expect(decision.kept == (decision.chosen.score > decision.rejected.score && decision.chosen.score > 0))
            seen.insert([decision.chosen.provider, decision.rejected.provider])
        }
        // 4 providers: 12 ordered pairs, scores ignored; 200 draws see them all, both ways round.
        #expect(seen.count == 12)
        #expect(seen.contains([2, 1]) && seen.contains([1, 2]))
        // Another seed gives another sequence.
        let other = try (Int64(1)...20).map {
            try PairSelection.decide(candidates: candidates, baseline: 0,
                                     rules: PairingRules(randomPairs: true, seed: 43), promptID: $0, iteration: 2)
        }
        let same = try (Int64(1)...20).map {
            try PairSelection.decide(candidates: candidates, baseline: 0, rules: rules, promptID: $0, iteration: 2)
        }
        #expect(other != same)
    }

    @Test func rejectsTablesThatCannotFormAPair() {
        #expect(throws: MethodError.self) {
            try PairSelection.bestVersusWorst([ScoredCandidate(provider: 1, score: 0.5)])
        }
        #expect(throws: MethodError.self) {
            try PairSelection.bestVersusWorst([ScoredCandidate(provider: 1, score: 0.5),
                                               ScoredCandidate(provider: 1, score: 0.6)])
        }
        #expect(throws: MethodError.self) {
            try PairSelection.bestVersusWorst([ScoredCandidate(provider: 1, score: .nan),
                                               ScoredCandidate(provider: 2, score: 0.6)])
        }
        #expect(throws: MethodError.self) {
            try PairSelection.bestVersusWorst([ScoredCandidate(provider: 0, score: 0.5),
                                               ScoredCandidate(provider: 2, score: 0.6)])
        }
    }
}
