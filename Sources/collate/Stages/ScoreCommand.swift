import ArgumentParser
import Collate

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score every stored rationale (l_s) and the no-rationale baseline (l_0) under frozen M_IFT.",
        discussion: """
            l = exp(mean log-prob of the gold answer + EOS): mode [I;R] -> A with each provider's \
            rationale, mode I -> A for l_0. Per-token log-probs and M_IFT's greedy answer (checked \
            against the gold answer) are stored too. Resumable.
            """)

    @OptionGroup var session: SessionOptions

    @Option(parsing: .unconditional, help: "Iteration (default: the latest one with rationales).")
    var iteration: Int?

    @Option(help: "Split: train, validation or test.")
    var split: DataSplit = .train

    @Option(parsing: .unconditional, help: "Only the first N prompts of the split.")
    var limit: Int?

    @Option(parsing: .unconditional, help: "Prompts per scoring batch.")
    var batch = 4

    @Option(help: "Sequences decoded at once (default: [decoding] batch_size); the results do not depend on it.")
    var batchSize: Int?

    func validate() throws {
        try ArgumentChecks.atLeast(1, iteration, "--iteration")
        try ArgumentChecks.atLeast(1, limit, "--limit")
        try ArgumentChecks.atLeast(1, batchSize, "--batch-size")
        try ArgumentChecks.atLeast(1, batch, "--batch")
    }

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        guard let iteration = try iteration ?? opened.store.latestGeneratedIteration() else {
            throw CommandFailure("no rationales yet: run `collate generate` first")
        }
        let mift = try ProviderModels.loadMIFT(session: opened)
        let progress = ProgressReporter()
        let report = try ScoreStage.run(
            session: opened, mift: mift.model, tokenizer: mift.tokenizer,
            options: ScoreStage.Options(iteration: iteration, split: split, limit: limit, batchPrompts: batch, batchSize: batchSize),
            onProgress: { progress.report($0) })
        print("iteration \(iteration), \(split.rawValue): \(report.scores) scores and \(report.predictions) predictions "
            + "written, \(report.skipped) of \(report.prompts) prompts already done")
        if report.notGenerated > 0 {
            print("\(report.notGenerated) prompts have no rationales in iteration \(iteration) and were not scored")
        }
        if report.missingGenerations > 0 {
            print("\(report.missingGenerations) prompts have fewer rationales than providers: run `collate generate`")
        }
    }
}
