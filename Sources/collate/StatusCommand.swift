import ArgumentParser
import Collate
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Where the session stands: prompts per split, and per iteration its generations, scores and labels.")

    @OptionGroup var session: SessionOptions

    func run() throws {
        let opened = try Session.open(try session.location())
        let status = try opened.store.status()
        print("session \(opened.location.name) (\(opened.location.folder.path))")
        let manifest = opened.manifest
        let perPrompt = manifest.candidateCount > manifest.effectiveProviderCount
            ? ", \(manifest.candidateCount) rationales per training prompt" : ""
        print("providers: \(manifest.effectiveProviderCount)\(perPrompt), iterations planned: \(manifest.iterations)")
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
        for line in try Self.loopLines(opened) { print(line) }
    }

    /// Where the loop stands: M_IFT, each training run, the adapters of each round, the table.
    static func loopLines(_ session: Session) throws -> [String] {
        // Before MIFT the stages run on the base model: say so, rather than name it as M_IFT.
        let mift = session.manifest.miftSkipped ? "\(session.miftDirectory.path): the manifest's model ([mift] skip)"
            : session.miftWritten ? "\(session.miftDirectory.path): written"
            : "not written yet (collate mift writes \(session.location.mift.path)); until then the stages use the "
                + "manifest's model, \(session.miftDirectory.path)"
        var lines = ["M_IFT: \(mift)"]
        for run in try session.store.runs() {
            guard let id = run.id else { continue }
            let stage = run.kind == MIFTLoRATrainer.runKind ? "mift"
                : run.iteration == 0 ? "providers stage, provider \(run.provider ?? 0)"
                : "iteration \(run.iteration ?? 0), provider \(run.provider ?? 0)"
            lines.append("  run \(id) \(run.kind) (\(stage)): \(run.status.rawValue), \(try session.store.stepCount(runID: id)) steps"
                + (run.message.map { ": \($0)" } ?? ""))
        }
        let workspace = try SessionWorkspace(session)
        let latest = try workspace.latestAdapterIteration()
        if let latest {
            for round in 0...latest {
                let present = try workspace.providers.filter { try workspace.hasAdapter(AdapterID(iteration: round, provider: $0)) }
                lines.append("adapters of round \(round): providers \(present.map(String.init).joined(separator: ", "))")
            }
        } else {
            lines.append("no provider adapters yet (collate providers)")
        }
        let rows = try LoopSummary.rows(store: session.store, iterations: max(session.manifest.iterations, latest ?? 0))
        return lines + [LoopTable.text(rows, providers: session.manifest.effectiveProviderCount)]
    }

    static func counts(_ byAction: [LabelAction: Int]) -> String {
        let parts = LabelAction.allCases.compactMap { action in
            byAction[action].map { "\($0) \(action.rawValue)" }
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
