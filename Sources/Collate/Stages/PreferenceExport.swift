import Foundation

/// One DPO pair in TRL's standard preference format (FORMATS.md): the rendered I -> R prompt
/// and the two rationales without the prompt, plus the extra columns TRL tolerates.
public struct PreferenceRow: Encodable, Sendable, Equatable {
    public let prompt: String
    public let chosen: String
    public let rejected: String
    public let promptID: Int64
    /// nil when the chosen rationale was written by hand.
    public let chosenProvider: Int?
    public let rejectedProvider: Int?
    public let scoreChosen: Double?
    public let scoreRejected: Double?
    public let labelSource: LabelSource
    /// TRL's names for precomputed reference log-probs; nil until the train stage stores them.
    public var refChosenLogps: Double?
    public var refRejectedLogps: Double?

    enum CodingKeys: String, CodingKey {
        case prompt, chosen, rejected
        case promptID = "prompt_id"
        case chosenProvider = "chosen_provider"
        case rejectedProvider = "rejected_provider"
        case scoreChosen = "score_chosen"
        case scoreRejected = "score_rejected"
        case labelSource = "label_source"
        case refChosenLogps = "ref_chosen_logps"
        case refRejectedLogps = "ref_rejected_logps"
    }
}

/// Which pairs each provider trains on in an iteration, as TRL JSONL (COLLATE.md section 3,
/// step 5): the effective label of every training prompt that trains (chosen or kept-filtered),
/// given to the provider whose partition holds the prompt (`ProviderPartition` over all training
/// prompts with seeds.pairs; in iteration 0 the providers stage's subsets; from iteration 1 on,
/// everyone gets everything under [loop] provider_pairs = "all" or no_provider_distinction).
public enum PreferenceExport {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case missingRationale(promptID: Int64, provider: Int, iteration: Int)

        public var description: String {
            switch self {
            case .missingRationale(let prompt, let provider, let iteration):
                "prompt \(prompt): the label names provider \(provider), which has no rationale in iteration \(iteration)"
            }
        }
    }

    public static func rows(session: Session, iteration: Int) throws -> [Int: [PreferenceRow]] {
        try labelledRows(session: session, iteration: iteration).mapValues { $0.map(\.row) }
    }

    /// A provider's row with the id of the effective label it comes from (a DPO pair's key).
    public struct LabelledRow: Sendable, Equatable {
        public let labelID: Int64
        public let row: PreferenceRow
    }

    /// `rows`, each with its label's id, read in one transaction; `providers` (nil: all)
    /// limits whose rows and reference log-probs are gathered.
    public static func labelledRows(session: Session, iteration: Int,
                                    providers: Set<Int>? = nil) throws -> [Int: [LabelledRow]] {
        let manifest = session.manifest
        // Iteration 0 is the providers stage, whose subsets are of the rationale-bearing prompts
        // only: partitioning every training prompt would deal some pairs to another provider.
        let stageTwoSubsets = iteration == 0 ? try ProvidersStage.subsets(session: session) : nil
        let sources = try session.store.preferenceSources(iteration: iteration)
        let partition = try stageTwoSubsets ?? ProviderPartition.assign(
            promptIDs: sources.trainPromptIDs, providerCount: manifest.effectiveProviderCount, seed: manifest.seeds.pairs,
            distinct: !manifest.ablations.noProviderDistinction && manifest.providerPairs == .partition)
        var rowsByPrompt: [Int64: PreferenceRow] = [:]
        var labelIDs: [Int64: Int64] = [:]
        for entry in sources.labels {
            let label = entry.label
            func text(_ provider: Int?) throws -> String {
                let number = provider ?? 0
                guard let generation = entry.generations.first(where: { $0.provider == number }) else {
                    throw Error.missingRationale(promptID: label.promptId, provider: number, iteration: iteration)
                }
                return generation.text
            }
            let chosen = try label.chosenRationale ?? text(label.chosenProvider)
            labelIDs[label.promptId] = label.id
            rowsByPrompt[label.promptId] = PreferenceRow(
                prompt: manifest.templates.render(.rationale, instruction: entry.prompt.instruction),
                chosen: chosen, rejected: try text(label.rejectedProvider), promptID: label.promptId,
                chosenProvider: label.chosenRationale == nil ? label.chosenProvider : nil,
                rejectedProvider: label.rejectedProvider, scoreChosen: label.scoreChosen,
                scoreRejected: label.scoreRejected, labelSource: label.source)
        }
        // Each provider's rows carry that provider's reference log-probs once training stored them.
        var result: [Int: [LabelledRow]] = [:]
        for (provider, ids) in partition where providers?.contains(provider) ?? true {
            let byLabel = sources.references[provider] ?? [:]
            result[provider] = try ids.compactMap { id in
                guard var row = rowsByPrompt[id] else { return nil }
                guard let labelID = labelIDs[id] else {
                    throw StoreError.corrupt("prompt \(id) has a preference row but no effective label")
                }
                if let reference = byLabel[labelID] {
                    row.refChosenLogps = reference.chosenLogp
                    row.refRejectedLogps = reference.rejectedLogp
                }
                return LabelledRow(labelID: labelID, row: row)
            }
        }
        return result
    }

    /// One JSON object per line, keys in a fixed order-independent (sorted) form.
    public static func jsonLines(_ rows: [PreferenceRow]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try rows.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
    }

    /// Writes `exports/iteration-K/provider-S.preferences.jsonl` for every provider (each file
    /// written under a temporary name and renamed). Returns the files, by provider.
    public static func write(session: Session, iteration: Int, into root: URL? = nil) throws -> [Int: (url: URL, count: Int)] {
        let directory = (root ?? session.location.exports).appendingPathComponent("iteration-\(iteration)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SessionError.io(path: directory.path, reason: error.localizedDescription)
        }
        var written: [Int: (URL, Int)] = [:]
        for (provider, rows) in try rows(session: session, iteration: iteration) {
            let url = directory.appendingPathComponent("\(AdapterID(iteration: iteration, provider: provider).name).preferences.jsonl")
            try Session.writeAtomically(Data(try jsonLines(rows).utf8), to: url)
            written[provider] = (url, rows.count)
        }
        return written
    }
}
