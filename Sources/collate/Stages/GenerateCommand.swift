import ArgumentParser
import Collate

extension DataSplit: ExpressibleByArgument {}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Every provider writes a rationale per prompt (P_IR template, the manifest's decoding; [loop] rationales_per_provider on training prompts).",
        discussion: """
            Provider s of iteration I is M_IFT (mift/, else the manifest's model) with the adapter \
            adapters/iteration-<I-1>/provider-<s>/; before the providers stage wrote iteration-0 \
            adapters, every provider is M_IFT itself. On training prompts each provider writes \
            [loop] rationales_per_provider rationales (all but the first sampled). Resumable: \
            prompts already generated for (iteration, provider) are skipped.
            """)

    @OptionGroup var session: SessionOptions

    @Option(parsing: .unconditional, help: "Iteration (default: one past the latest adapters, 1 before any).")
    var iteration: Int?

    @Option(help: "Split: train, validation or test.")
    var split: DataSplit = .train

    @Option(parsing: .unconditional, help: "Only the first N prompts of the split.")
    var limit: Int?

    @Option(help: "Sequences decoded at once (default: [decoding] batch_size); the results do not depend on it.")
    var batchSize: Int?

    func validate() throws {
        try ArgumentChecks.atLeast(1, iteration, "--iteration")
        try ArgumentChecks.atLeast(1, limit, "--limit")
        try ArgumentChecks.atLeast(1, batchSize, "--batch-size")
    }

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        let iteration = iteration ?? ProviderModels.nextIteration(opened)
        let models = try ProviderModels.load(session: opened, iteration: iteration)
        let progress = ProgressReporter()
        let report = try GenerateStage.run(
            session: opened, models: models,
            options: GenerateStage.Options(iteration: iteration, split: split, limit: limit, batchSize: batchSize),
            onProgress: { progress.report($0) })
        let source = models.adapterDirectories.isEmpty ? " (every provider is M_IFT: no adapters yet)" : ""
        print("iteration \(iteration), \(split.rawValue): \(report.generated) rationales written (\(report.tokens) tokens), "
            + "\(report.skipped) of \(report.prompts) prompts already done\(source)")
    }
}
