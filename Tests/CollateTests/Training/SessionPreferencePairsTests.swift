import Foundation
import Testing
@testable import Collate

@Suite struct SessionPreferencePairsTests {
    /// A provider trains on the pairs of its partition, keyed by their effective labels; once
    /// reference log-probs are stored, the TRL export carries them for that provider only.
    @Test func pairsOfAProviderAndTheirReferenceInTheExport() throws {
        let (directory, session) = try PreferenceExportTests().session()
        defer { directory.remove() }
        let partition = try ProviderPartition.assign(promptIDs: [1, 2, 3, 4], providerCount: 2, seed: 0)
        var all: [PreferencePair] = []
        for provider in 1...2 {
            let pairs = try SessionPreferencePairs.pairs(session: session, iteration: 1, provider: provider)
            #expect(pairs.allSatisfy { partition[provider]?.contains($0.promptID) == true })
            for pair in pairs {
                let label = try #require(try session.store.effectiveLabel(promptID: pair.promptID, iteration: 1))
                #expect(pair.id == label.id)
            }
            all += pairs
        }
        all.sort { $0.promptID < $1.promptID }
        #expect(all.map(\.promptID) == [1, 2, 3])
        #expect(all[0].prompt == "Question: What is 1 + 1?\nReasoning:\n")
        #expect(all[0].chosen == "p2 on 1" && all[0].rejected == "p1 on 1")
        #expect(all[2].chosen == "3 + 3 = 6" && all[2].rejected == "p2 on 3")

        let owner = try #require(partition.first { $0.value.contains(1) }?.key)
        try session.store.saveReferenceLogprobs([ReferenceLogprobRecord(
            labelId: all[0].id, promptId: 1, iteration: 1, provider: owner, chosenLogp: -4.5, rejectedLogp: -7.25,
            chosenTokens: 3, rejectedTokens: 4)])
        // Saved twice: the first entry stays (computed once).
        try session.store.saveReferenceLogprobs([ReferenceLogprobRecord(
            labelId: all[0].id, promptId: 1, iteration: 1, provider: owner, chosenLogp: 0, rejectedLogp: 0,
            chosenTokens: 3, rejectedTokens: 4)])
        let rows = try PreferenceExport.rows(session: session, iteration: 1)
        let row = try #require(rows[owner]?.first { $0.promptID == 1 })
        #expect(row.refChosenLogps == -4.5 && row.refRejectedLogps == -7.25)
        #expect(rows.values.flatMap { $0 }.filter { $0.refChosenLogps != nil }.count == 1)
        #expect(try PreferenceExport.jsonLines([row]).contains(#""ref_chosen_logps":-4.5,"ref_rejected_logps":-7.25"#))
    }
}
