import ArgumentParser
import Collate

struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "Stage 2: S distinct providers, each M_IFT + a LoRA tuned with DPO on its own subset.",
        discussion: """
            The rationale-bearing training prompts are split into S disjoint subsets ([seeds] pairs; \
            at most [providers] max_examples each). For each, M_IFT writes its own rationale (the \
            manifest's decoding) and the provider's fresh adapter ([lora]) is tuned with DPO ([dpo]): \
            chosen = the gold rationale, rejected = M_IFT's (pairs where they are the same text are \
            skipped), reference = M_IFT. Saved to adapters/iteration-0/provider-<s>/ (PEFT). \
            Rerun after a kill to resume; a provider whose adapter exists is kept.
            """)

    @OptionGroup var session: SessionOptions

    @Option(help: "Stop each provider's DPO after this many optimiser steps (overrides [dpo] max_steps).")
    var steps: Int?

    @Option(help: "Sequences decoded at once (default: [decoding] batch_size); the results do not depend on it.")
    var batchSize: Int?

    func validate() throws {
        try ArgumentChecks.atLeast(1, steps, "--steps")
        try ArgumentChecks.atLeast(1, batchSize, "--batch-size")
    }

    func run() throws {
        let base = try Session.open(try session.location())
        let lock = try base.lockForStage()
        defer { lock.release() }
        let opened = base.decodingBatchSize(batchSize)
        let reporter = ProgressReporter()
        let training = TrainingProgress(reporter: reporter)
        let report = try ProvidersStage.run(session: opened, maxSteps: steps, onProgress: { reporter.report($0) },
                                            onTraining: { training.observe($1, stage: "providers: DPO provider \($0)") })
        for line in Self.lines(report) { print(line) }
        if !report.complete { throw ExitCode.failure }
    }

    static func lines(_ report: ProvidersStage.Report) -> [String] {
        report.providers.map { entry in
            let head = "provider \(entry.provider): \(entry.examples) examples"
            if entry.alreadyDone { return head + ", adapter already on disk (kept): \(entry.adapter?.path ?? "")" }
            var text = head + ", \(entry.pairs) pairs (\(entry.identical) skipped: M_IFT wrote the gold rationale)"
            switch entry.outcome {
            case .finished(_, let steps)?: text += ", \(steps) DPO steps"
            case .stopped(_, let step)?: text += ", stopped after step \(step): rerun to resume"
            case .failed(_, _, let message)?: text += ", failed: \(message)"
            case nil: text += ", nothing to train (fresh adapter)"
            }
            return text + (entry.adapter.map { ", adapter saved to \($0.path)" } ?? "")
        }
    }
}
