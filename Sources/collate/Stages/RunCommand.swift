import ArgumentParser
import Collate
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole loop: mift, providers, then K rounds of generate, score, pairs, train, eval.",
        discussion: """
            MIFT is skipped when [mift] skip = true. After the providers stage (round 0) and after \
            each round the test split is evaluated and a table row printed: accuracy of I -> A, of \
            each provider, of the provider selected on validation and of the oracle; pairs formed, \
            kept by the filter and trained on; mean l of the chosen and rejected rationales of the \
            pairs formed (JSON: of the kept ones too). Ablations ([ablations] in session.toml) apply through the stages. Every \
            stage resumes: after a kill, run the same command again. Seeds and ablations without \
            editing the manifest: --seed N and the ablation flags run a variant, a session of its \
            own under <session>/variants/ (e.g. `collate run demo --seed 1`, `--no-filter`).
            """)

    @OptionGroup var session: SessionOptions

    @Option(parsing: .unconditional, help: "K, the number of rounds (default: [loop] iterations).")
    var iterations: Int?

    @Option(parsing: .unconditional, help: "Only the first N training prompts are generated, scored and paired each round.")
    var trainLimit: Int?

    @Option(parsing: .unconditional, help: "Only the first N prompts of the validation and of the test split are evaluated.")
    var evalLimit: Int?

    @Flag(help: "Print the final table as JSON (progress still goes to stderr).")
    var json = false

    @Option(help: ArgumentHelp(
        "Run a variant of the session: a session of its own in <session>/variants/<name>/ with the options below "
            + "applied to the manifest (default name: from those options, e.g. seed1-no-filter).", valueName: "name"))
    var variant: String?

    @Option(help: "Variant: every seed ([seeds] training, sampling, pairs) set to N; the splits stay the session's.")
    var seed: UInt64?

    @Flag(help: "Variant: the single-provider ablation.")
    var singleProvider = false

    @Flag(help: "Variant: the random-pairs ablation.")
    var randomPairs = false

    @Flag(help: "Variant: the no-filter ablation.")
    var noFilter = false

    @Flag(help: "Variant: the no-provider-distinction ablation.")
    var noProviderDistinction = false

    @Option(help: ArgumentHelp("Variant: [loop] rationales_per_provider set to N (S x N at most 8): each provider writes N "
        + "rationales per training prompt, all but the first sampled.", valueName: "N"))
    var rationalesPerProvider: Int?

    @Flag(help: ArgumentHelp("Variant: [loop] provider_pairs = \"all\": every provider trains on every kept pair of a "
        + "round, not only those of its partition (the providers stage keeps its distinct subsets)."))
    var allPairs = false

    @Option(help: "Sequences decoded at once in every stage (default: [decoding] batch_size); the results do not depend on it.")
    var batchSize: Int?

    func validate() throws {
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        try ArgumentChecks.atLeast(1, batchSize, "--batch-size")
        try ArgumentChecks.atLeast(1, trainLimit, "--train-limit")
        try ArgumentChecks.atLeast(1, evalLimit, "--eval-limit")
        if let rationalesPerProvider, !(1...SessionManifest.maxCandidates).contains(rationalesPerProvider) {
            throw ValidationError("--rationales-per-provider must be 1 to \(SessionManifest.maxCandidates), "
                + "got \(rationalesPerProvider)")
        }
    }

    func run() throws {
        let base = try Session.open(try session.location())
        let overrides = SessionVariant.Overrides(seed: seed, singleProvider: singleProvider, randomPairs: randomPairs,
                                                 noFilter: noFilter, noProviderDistinction: noProviderDistinction,
                                                 rationalesPerProvider: rationalesPerProvider, allPairs: allPairs)
        var opened = base
        if variant != nil || !overrides.isEmpty {
            opened = try SessionVariant.open(base: base, name: variant ?? overrides.suggestedName, overrides: overrides)
            Self.log("variant \(opened.location.name): \(opened.location.folder.path) (other commands reach it with "
                + "--sessions-dir \(opened.location.sessionsDirectory.path))")
        }
        let lock = try opened.lockForStage()
        defer { lock.release() }
        opened = opened.decodingBatchSize(batchSize)
        let started = Date()
        let reporter = ProgressReporter()
        let training = TrainingProgress(reporter: reporter)
        let options = LoopRunner.Options(iterations: iterations, trainLimit: trainLimit, evalLimit: evalLimit)
        let rows = try LoopRunner.run(session: opened, options: options) { event in
            switch event {
            case .stage(let name):
                Self.log("[\(ProgressReporter.duration(Date().timeIntervalSince(started)))] \(name)")
            case .progress(let progress):
                reporter.report(progress)
            case .training(let stage, let event):
                return training.observe(event, stage: stage)
            case .row(let row):
                let providers = opened.manifest.effectiveProviderCount
                Self.log(LoopTable.header(providers: providers) + "\n" + LoopTable.line(row, providers: providers))
            }
            return .proceed
        }
        let elapsed = ProgressReporter.duration(Date().timeIntervalSince(started))
        if json {
            print(LoopTable.json(rows, providers: opened.manifest.effectiveProviderCount))
        } else {
            print(LoopTable.text(rows, providers: opened.manifest.effectiveProviderCount))
            print("session \(opened.location.name): \(rows.count - 1) rounds, \(elapsed) in this run")
        }
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
