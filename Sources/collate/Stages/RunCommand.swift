import ArgumentParser
import Collate
import Foundation
import LLM

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

    @Option(help: "K, the number of rounds (default: [loop] iterations).")
    var iterations: Int?

    @Option(help: "Only the first N training prompts are generated, scored and paired each round.")
    var trainLimit: Int?

    @Option(help: "Only the first N prompts of the validation and of the test split are evaluated.")
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

    func validate() throws {
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if let rationalesPerProvider, !(1...SessionManifest.maxCandidates).contains(rationalesPerProvider) {
            throw ValidationError("--rationales-per-provider must be 1 to \(SessionManifest.maxCandidates), "
                + "got \(rationalesPerProvider)")
        }
    }

    func run() throws {
        let base = try Session.open(try session.location())
        let overrides = SessionVariant.Overrides(seed: seed, singleProvider: singleProvider, randomPairs: randomPairs,
                                                 noFilter: noFilter, noProviderDistinction: noProviderDistinction,
                                                 rationalesPerProvider: rationalesPerProvider)
        var opened = base
        if variant != nil || !overrides.isEmpty {
            opened = try SessionVariant.open(base: base, name: variant ?? overrides.suggestedName, overrides: overrides)
            Self.log("variant \(opened.location.name): \(opened.location.folder.path) (other commands reach it with "
                + "--sessions-dir \(opened.location.sessionsDirectory.path))")
        }
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
                Self.log(LoopTable.header + "\n" + LoopTable.line(row, providers: opened.manifest.effectiveProviderCount))
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

/// The loop's table as text and JSON.
enum LoopTable {
    static let header = "round  I->A     " + "providers (test accuracy)".padding(toLength: 26, withPad: " ", startingAt: 0)
        + "selected        oracle   pairs  kept  trained  l_chosen  l_rejected"

    static func percent(_ accuracy: LoopRow.Accuracy?) -> String {
        accuracy.map { String(format: "%6.2f%%", 100 * $0.fraction) } ?? "     - "
    }

    static func score(_ value: Double?) -> String {
        value.map { String(format: "%.4f", $0) } ?? "-"
    }

    static func line(_ row: LoopRow, providers: Int) -> String {
        let perProvider = (1...providers).map { "p\($0) " + percent(row.providers[$0]) }.joined(separator: " ")
        let selected = percent(row.selected) + (row.selectedProvider.map { " (p\($0))" } ?? "     ")
        return String(row.iteration).padding(toLength: 7, withPad: " ", startingAt: 0)
            + percent(row.direct) + "  " + perProvider.padding(toLength: 26, withPad: " ", startingAt: 0)
            + selected.padding(toLength: 16, withPad: " ", startingAt: 0)
            + percent(row.oracle) + " " + String(format: "%6d %5d %8d  ", row.pairsFormed, row.pairsKept, row.pairsTrained)
            + score(row.meanChosenScore).padding(toLength: 10, withPad: " ", startingAt: 0) + score(row.meanRejectedScore)
    }

    static func text(_ rows: [LoopRow], providers: Int) -> String {
        let total = rows.compactMap { $0.direct?.total }.first.map { " on \($0) test prompts" } ?? ""
        return (["test accuracy per round\(total) (round 0: after the providers stage; pairs of round 0: gold vs M_IFT)",
                 header] + rows.map { line($0, providers: providers) }).joined(separator: "\n")
    }

    static func json(_ rows: [LoopRow], providers: Int) -> String {
        func accuracy(_ value: LoopRow.Accuracy?) -> JSONValue {
            guard let value else { return .null }
            return .object(JSONObject([(key: "correct", value: .int(value.correct)), (key: "total", value: .int(value.total)),
                                       (key: "accuracy", value: .double(value.fraction))]))
        }
        func number(_ value: Double?) -> JSONValue { value.map { .double($0) } ?? .null }
        let items: [JSONValue] = rows.map { row in
            let perProvider: [(key: String, value: JSONValue)] = (1...providers).map { (key: "\($0)", value: accuracy(row.providers[$0])) }
            return .object(JSONObject([
                (key: "round", value: .int(row.iteration)),
                (key: "direct", value: accuracy(row.direct)),
                (key: "providers", value: .object(JSONObject(perProvider))),
                (key: "selected_provider", value: row.selectedProvider.map { .int($0) } ?? .null),
                (key: "selected", value: accuracy(row.selected)),
                (key: "oracle", value: accuracy(row.oracle)),
                (key: "pairs_formed", value: .int(row.pairsFormed)),
                (key: "pairs_kept", value: .int(row.pairsKept)),
                (key: "pairs_trained", value: .int(row.pairsTrained)),
                (key: "mean_score_chosen", value: number(row.meanChosenScore)),
                (key: "mean_score_rejected", value: number(row.meanRejectedScore)),
                (key: "kept_mean_score_chosen", value: number(row.keptMeanChosenScore)),
                (key: "kept_mean_score_rejected", value: number(row.keptMeanRejectedScore)),
            ]))
        }
        return JSONWriter.string(.array(items))
    }
}
