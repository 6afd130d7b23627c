import Foundation
import Testing
@testable import Collate
import TestSupport

@Suite struct PreferenceExportTests {
    func session(distinct: Bool = true, pairs: ProviderPairs = .partition) throws -> (TemporaryDirectory, Session) {
        let directory = try TemporaryDirectory()
        let location = try SessionLocation(name: "e", sessionsDirectory: directory.url)
        var (session, _) = try Session.create(location, data: TaskDataSpec(format: .gsm8k, train: "t.jsonl"))
        var manifest = session.manifest
        manifest.ablations.noProviderDistinction = !distinct
        manifest.providerPairs = pairs
        session = Session(location: location, manifest: manifest, store: session.store)
        let store = session.store
        try store.write { db in
            for line in 1...4 {
                var prompt = PromptRecord(split: .train, instruction: "What is \(line) + \(line)?", goldRationale: nil,
                                          goldAnswer: "\(2 * line)", options: nil, sourceFile: "t.jsonl",
                                          sourceLine: line, sourceHash: "h")
                try prompt.insert(db)
            }
        }
        for prompt in Int64(1)...3 {
            for provider in 1...2 {
                _ = try store.saveGeneration(GenerationRecord(
                    promptId: prompt, iteration: 1, provider: provider, text: "p\(provider) on \(prompt)", tokenCount: 3))
            }
        }
        func pair(_ chosen: Int, _ rejected: Int, kept: Bool) -> PairDecision {
            PairDecision(chosen: ScoredCandidate(provider: chosen, score: 0.5),
                         rejected: ScoredCandidate(provider: rejected, score: 0.25), baseline: 0.3, kept: kept)
        }
        try store.writeAutoLabel(promptID: 1, iteration: 1, decision: pair(2, 1, kept: true))
        try store.writeAutoLabel(promptID: 2, iteration: 1, decision: pair(1, 2, kept: false))
        try store.writeAutoLabel(promptID: 3, iteration: 1, decision: pair(1, 2, kept: true))
        try store.writeHumanLabel(promptID: 2, iteration: 1, request: .keepFiltered, note: nil, providerCount: 2)
        try store.writeHumanLabel(promptID: 3, iteration: 1, request: .rationale("3 + 3 = 6", rejected: nil),
                                  note: nil, providerCount: 2)
        return (directory, session)
    }

    @Test func everyTrainingPairGoesToTheProviderOfItsPartition() throws {
        let (directory, session) = try session()
        defer { directory.remove() }
        let byProvider = try PreferenceExport.rows(session: session, iteration: 1)
        let partition = try ProviderPartition.assign(promptIDs: [1, 2, 3, 4], providerCount: 2, seed: 0)
        for (provider, rows) in byProvider {
            #expect(rows.allSatisfy { partition[provider]?.contains($0.promptID) == true })
        }
        let rows = byProvider.values.flatMap { $0 }.sorted { $0.promptID < $1.promptID }
        #expect(rows.map(\.promptID) == [1, 2, 3])
        #expect(rows[0] == PreferenceRow(
            prompt: "Question: What is 1 + 1?\nReasoning:\n", chosen: "p2 on 1", rejected: "p1 on 1", promptID: 1,
            chosenProvider: 2, rejectedProvider: 1, scoreChosen: 0.5, scoreRejected: 0.25, labelSource: .auto))
        #expect(rows[1].labelSource == .human && rows[1].chosen == "p1 on 2" && rows[1].rejected == "p2 on 2")
        #expect(rows[2].chosen == "3 + 3 = 6" && rows[2].chosenProvider == nil && rows[2].rejected == "p2 on 3")

        let line = try PreferenceExport.jsonLines([rows[2]])
        #expect(line == #"{"chosen":"3 + 3 = 6","label_source":"human","prompt":"Question: What is 3 + 3?\nReasoning:\n","prompt_id":3,"rejected":"p2 on 3","rejected_provider":2}"# + "\n")  // no score table here: no scores on the human label
    }

    @Test func noProviderDistinctionGivesEveryProviderEveryPair() throws {
        let (directory, session) = try session(distinct: false)
        defer { directory.remove() }
        let byProvider = try PreferenceExport.rows(session: session, iteration: 1)
        #expect(byProvider[1]?.map(\.promptID) == [1, 2, 3] && byProvider[2]?.map(\.promptID) == [1, 2, 3])
        let files = try PreferenceExport.write(session: session, iteration: 1)
        let file = try #require(files[1])
        #expect(file.count == 3 && file.url.lastPathComponent == "provider-1.preferences.jsonl")
        let text = try String(contentsOf: file.url, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3)
    }

    /// provider_pairs = "all": the same rows as the partition hands out, all of them to each.
    @Test func allProviderPairsGivesEveryProviderEveryPairOfARound() throws {
        let (partitionDirectory, partitioned) = try session()
        defer { partitionDirectory.remove() }
        let parts = try PreferenceExport.rows(session: partitioned, iteration: 1)
        #expect(parts[1]?.isEmpty == false && parts[2]?.isEmpty == false)  // both providers own some prompts here
        let (directory, session) = try session(pairs: .all)
        defer { directory.remove() }
        let byProvider = try PreferenceExport.rows(session: session, iteration: 1)
        let everyRow = (parts[1] ?? []) + (parts[2] ?? [])
        for provider in 1...2 {
            #expect(byProvider[provider]?.map(\.promptID) == [1, 2, 3], "provider \(provider)")
            #expect(byProvider[provider]?.sorted { $0.promptID < $1.promptID } == everyRow.sorted { $0.promptID < $1.promptID })
        }
    }

    @Test func aLabelWithoutItsRationaleIsAnError() throws {
        let (directory, session) = try session()
        defer { directory.remove() }
        try session.store.writeAutoLabel(promptID: 4, iteration: 1, decision: PairDecision(
            chosen: ScoredCandidate(provider: 1, score: 0.9), rejected: ScoredCandidate(provider: 2, score: 0.1),
            baseline: 0.1, kept: true))
        #expect(throws: PreferenceExport.Error.missingRationale(promptID: 4, provider: 1, iteration: 1)) {
            try PreferenceExport.rows(session: session, iteration: 1)
        }
    }
}
