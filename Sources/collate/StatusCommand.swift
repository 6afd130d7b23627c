import ArgumentParser
import Collate

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Where the session stands: prompts per split, and per iteration its generations, scores and labels.")

    @OptionGroup var session: SessionOptions

    func run() throws {
        let opened = try Session.open(try session.location())
        let status = try opened.store.status()
        print("session \(opened.location.name) (\(opened.location.folder.path))")
        print("providers: \(opened.manifest.effectiveProviderCount), iterations planned: \(opened.manifest.iterations)")
        let splits = DataSplit.allCases.map { "\(status.promptsPerSplit[$0, default: 0]) \($0.rawValue)" }
        print("prompts: \(splits.joined(separator: ", ")) "
            + "(\(status.trainWithGoldRationale) train with a gold rationale)")
        if status.iterations.isEmpty { print("no generations, scores or labels yet") }
        for iteration in status.iterations {
            print("iteration \(iteration.iteration): \(iteration.generations) rationales, "
                + "\(iteration.rationaleScores) scored, \(iteration.baselineScores) baselines")
            print("  auto labels:  \(Self.counts(iteration.autoLabels))")
            print("  human labels: \(Self.counts(iteration.humanLabels))")
            print("  effective:    \(Self.counts(iteration.effectiveLabels)) -> \(iteration.trainingPairs) training pairs")
            let agreement = iteration.agreement
            let percent = agreement.fraction.map { String(Int(($0 * 100).rounded())) + "%" } ?? "n/a"
            print("  auto/human agreement: \(agreement.agreed)/\(agreement.compared) (\(percent))")
        }
        if !status.runs.isEmpty {
            print("runs: " + status.runs.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
    }

    static func counts(_ byAction: [LabelAction: Int]) -> String {
        let parts = LabelAction.allCases.compactMap { action in
            byAction[action].map { "\($0) \(action.rawValue)" }
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
