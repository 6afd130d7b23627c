import ArgumentParser

/// Benchmarks of our kernels against references measured in the same run
/// (method: BENCHMARKS.md). A program of its own, not part of the product CLI.
@main
struct CollateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collate-bench",
        abstract: "Benchmarks our kernels against reference implementations, run side by side.",
        subcommands: [GemmBenchmark.self, ModelBenchmark.self, GenerateBenchmark.self, DPOBenchmark.self, TokenizerBenchmark.self, RenderBenchmark.self]
    )
}
