import ArgumentParser
import Collate

struct PairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Pick chosen/rejected rationales from the stored scores, apply the filter, record auto labels.",
        discussion: "Honours the random_pairs and no_filter ablation switches. Rerunning writes only what changed.")

    @OptionGroup var session: SessionOptions

    @Option(help: "Iteration (default: the latest one with scores).")
    var iteration: Int?

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        guard let iteration = try iteration ?? PairsStage.latestScoredIteration(opened.store) else {
            throw CommandFailure("no scores yet: run the score stage first")
        }
        let report = try PairsStage.run(session: opened, iteration: iteration)
        print("iteration \(iteration): \(report.kept) pairs kept, \(report.filtered) filtered, "
            + "\(report.unchanged) unchanged, \(report.notScored) training prompts not scored yet")
    }
}
