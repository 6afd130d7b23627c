import ArgumentParser

@main
struct Collate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collate",
        abstract: "A terminal workbench for COLLATE: compare the rationales of several local "
            + "providers, curate preferences, and train the providers with DPO.",
        discussion: """
            With no subcommand, opens the workbench on the session "demo" (`collate open demo`). \
            The stages that need the model (mift, generate, score, train, eval) are not built yet.
            """,
        subcommands: [
            OpenCommand.self, InitCommand.self, ImportCommand.self, PairsCommand.self, LabelCommand.self,
            StatusCommand.self, TrainCommand.self, ExportCommand.self, ImportMetricsCommand.self,
            DemoCommand.self, ModelCommand.self,
        ],
        defaultSubcommand: OpenCommand.self
    )
}
