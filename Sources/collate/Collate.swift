import ArgumentParser
import Foundation  // ProcessInfo

@main
struct Collate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collate",
        abstract: "A terminal workbench for COLLATE: compare the rationales of several local "
            + "providers, curate preferences, and train the providers with DPO.",
        discussion: """
            With no subcommand, opens the workbench on the session "demo" (`collate open demo`). \
            The loop's stages run headless too: mift, providers, generate, score, pairs, label, \
            train, eval, export; `run` runs the whole K-iteration loop.
            """,
        subcommands: [
            OpenCommand.self, InitCommand.self, ImportCommand.self, MIFTCommand.self, ProvidersCommand.self,
            GenerateCommand.self, ScoreCommand.self, PairsCommand.self, LabelCommand.self,
            StatusCommand.self, TrainCommand.self, EvalCommand.self, ExportCommand.self,
            ImportMetricsCommand.self, ImportAdapterCommand.self, ServeCommandCommand.self, RunCommand.self,
            DemoCommand.self, ModelCommand.self,
        ],
        defaultSubcommand: OpenCommand.self
    )

    /// The environment is checked before any command runs (`COLLATE_THREADS=abc` used to
    /// mean "all cores" without a word).
    static func main() {
        if let problem = ArgumentChecks.environment(ProcessInfo.processInfo.environment) {
            Self.exit(withError: ValidationError(problem))  // "Error: ...", exit 64 as for a bad option
        }
        main(nil)
    }
}
