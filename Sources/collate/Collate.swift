import ArgumentParser

@main
struct Collate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collate",
        abstract: "A terminal workbench for COLLATE: compare the rationales of several local "
            + "providers, curate preferences, and train the providers with DPO.",
        discussion: "The workbench screens are not built yet; the tensor core underneath is.",
        subcommands: [
            InitCommand.self, ImportCommand.self, ProvidersCommand.self, GenerateCommand.self, ScoreCommand.self, PairsCommand.self, LabelCommand.self, StatusCommand.self,
            EvalCommand.self, ExportCommand.self, ImportMetricsCommand.self, DemoCommand.self, ModelCommand.self,
        ]
    )
}
