import Foundation
import Testing
@testable import Collate
import TestSupport

@Suite struct PairsStageTests {
    /// A session on disk with 4 train prompts and 1 validation prompt, and a score table:
    ///   prompt 1: l0 e^-2, p1 e^-1, p2 e^-0.5  -> chosen 2, rejected 1, kept
    ///   prompt 2: l0 e^-0.2, p1 e^-1, p2 e^-0.5 -> chosen 2, rejected 1, filtered (below l0)
    ///   prompt 3: p1, p2 but no baseline       -> not scored
    ///   prompt 4: nothing                      -> not scored
    ///   prompt 5 (validation): scored, never paired
    func session(_ edit: (inout SessionManifest) -> Void = { _ in }) throws -> (TemporaryDirectory, Session) {
        let directory = try TemporaryDirectory()
        let location = try SessionLocation(name: "p", sessionsDirectory: directory.url)
        var (session, _) = try Session.create(location, data: TaskDataSpec(format: .gsm8k, train: "t.jsonl"))
        var manifest = session.manifest
        edit(&manifest)
        session = Session(location: location, manifest: manifest, store: session.store)
        try session.store.write { db in
            for line in 1...5 {
                var prompt = PromptRecord(split: line == 5 ? .validation : .train, instruction: "q\(line)",
                                          goldRationale: nil, goldAnswer: "1", options: nil, sourceFile: "t.jsonl",
                                          sourceLine: line, sourceHash: "h")
                try prompt.insert(db)
            }
        }
        let table: [(Int64, Int, Float)] = [(1, 0, -2), (1, 1, -1), (1, 2, -0.5), (2, 0, -0.2), (2, 1, -1), (2, 2, -0.5),
                                            (3, 1, -1), (3, 2, -0.5), (5, 0, -3), (5, 1, -1), (5, 2, -0.5)]
        for (prompt, provider, logprob) in table {
            try Fixtures.score(session.store, prompt: prompt, iteration: 1, provider: provider, logprobs: [logprob])
        }
        return (directory, session)
    }

    @Test func labelsScoredTrainingPromptsOnceAndSkipsTheRest() throws {
        let (directory, session) = try session()
        defer { directory.remove() }
        let report = try PairsStage.run(session: session, iteration: 1)
        #expect(report == PairsStage.Report(kept: 1, filtered: 1, unchanged: 0, notScored: 2))
        let first = try #require(try session.store.effectiveLabel(promptID: 1, iteration: 1))
        #expect(first.source == .auto && first.action == .chosen && first.chosenProvider == 2 && first.rejectedProvider == 1)
        #expect(abs((first.scoreBaseline ?? 0) - exp(-2.0)) < 1e-6)
        #expect(try session.store.effectiveLabel(promptID: 2, iteration: 1)?.action == .filtered)
        #expect(try session.store.effectiveLabel(promptID: 5, iteration: 1) == nil)
        #expect(try PairsStage.latestScoredIteration(session.store) == 1)

        let again = try PairsStage.run(session: session, iteration: 1)
        #expect(again == PairsStage.Report(kept: 0, filtered: 0, unchanged: 2, notScored: 2))
        #expect(try session.store.labelHistory(promptID: 1, iteration: 1).count == 1)
    }

    @Test func noFilterAblationKeepsTheFilteredPair() throws {
        let (directory, session) = try session { $0.ablations.noFilter = true }
        defer { directory.remove() }
        let report = try PairsStage.run(session: session, iteration: 1)
        #expect(report.kept == 2 && report.filtered == 0)
    }

    /// S = 1: the one provider's candidates (2 here, [providers] count) are paired as the two
    /// providers' rationales would be, and every pair is the single provider's to train on.
    @Test func singleProviderPairsItsOwnCandidatesAndTrainsOnEveryPair() throws {
        let (directory, session) = try session { $0.ablations.singleProvider = true }
        defer { directory.remove() }
        #expect(session.manifest.effectiveProviderCount == 1 && session.manifest.candidateCount == 2)
        #expect(try PairsStage.run(session: session, iteration: 1) == PairsStage.Report(kept: 1, filtered: 1, notScored: 2))
        let label = try #require(try session.store.effectiveLabel(promptID: 1, iteration: 1))
        #expect(label.chosenProvider == 2 && label.rejectedProvider == 1)
        for prompt in Int64(1)...2 {
            for candidate in 1...2 {
                _ = try session.store.saveGeneration(GenerationRecord(promptId: prompt, iteration: 1, provider: candidate,
                                                                      text: "r\(prompt).\(candidate)", tokenCount: 1))
            }
        }
        let rows = try PreferenceExport.rows(session: session, iteration: 1)
        #expect(rows.keys.sorted() == [1] && rows[1]?.map(\.promptID) == [1])
        #expect(rows[1]?.first?.chosen == "r1.2" && rows[1]?.first?.rejected == "r1.1")
    }

    /// N = 2 rationales per provider: best versus worst over all four candidates, which may
    /// be two rationales of one provider (here provider 1's second beats provider 1's first).
    @Test func pairsAreFormedOverEveryRationaleOfEveryProvider() throws {
        let (directory, session) = try session { $0.rationalesPerProvider = 2 }
        defer { directory.remove() }
        #expect(session.manifest.candidateCount == 4)
        for (candidate, logprob) in [(3, Float(-0.1)), (4, -0.7)] {
            try Fixtures.score(session.store, prompt: 1, iteration: 1, provider: candidate, logprobs: [logprob])
        }
        // Prompt 2's two scores are paired as they stand (and filtered: l_0 beats both).
        #expect(try PairsStage.run(session: session, iteration: 1) == PairsStage.Report(kept: 1, filtered: 1, notScored: 2))
        let label = try #require(try session.store.effectiveLabel(promptID: 1, iteration: 1))
        #expect(label.action == .chosen && label.chosenProvider == 3 && label.rejectedProvider == 1)
        #expect(abs((label.scoreChosen ?? 0) - exp(-0.1)) < 1e-6 && abs((label.scoreRejected ?? 0) - exp(-1)) < 1e-6)
    }

    /// Random pairs: the direction is drawn, not read off the scores. On prompt 1 (l_1 < l_2)
    /// some seeds draw (chosen 1, rejected 2), which the filter then drops and no_filter keeps.
    @Test func randomPairsDrawTheDirectionAndTheFilterStillJudgesIt() throws {
        var directions = Set<[Int]>()
        for seed in UInt64(0)..<12 {
            for noFilter in [false, true] {
                let (directory, session) = try session {
                    $0.ablations.randomPairs = true
                    $0.ablations.noFilter = noFilter
                    $0.seeds.pairs = seed
                }
                defer { directory.remove() }
                _ = try PairsStage.run(session: session, iteration: 1)
                let label = try #require(try session.store.effectiveLabel(promptID: 1, iteration: 1))
                let pair = [label.chosenProvider ?? 0, label.rejectedProvider ?? 0]
                directions.insert(pair)
                let agrees = pair == [2, 1]  // l_2 = e^-0.5 > l_1 = e^-1 > l_0 = e^-2
                #expect(label.action == (agrees || noFilter ? .chosen : .filtered))
            }
        }
        #expect(directions == [[2, 1], [1, 2]])
    }
}
