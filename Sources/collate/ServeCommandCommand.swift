import ArgumentParser
import Collate
import Foundation

struct ServeCommandCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-command",
        abstract: "Print the `vllm serve` command line that serves the session's providers with multi-LoRA.",
        discussion: """
            The base (mift/, else the manifest's model), --enable-lora, one --lora-modules \
            provider-<P>=<adapter directory> per provider, --max-lora-rank (the smallest value vLLM \
            accepts that covers every adapter) and --max-loras (the number of providers). A request \
            picks a provider by model name: "model": "provider-2". Warnings go to stderr.
            """)

    @OptionGroup var session: SessionOptions

    @Option(help: "The adapters of this iteration (default: the latest with any); a provider without one there is served with its newest earlier adapter.")
    var iteration: Int?

    func run() throws {
        let opened = try Session.open(try session.location())
        let command = try VLLMServeCommand(session: opened, iteration: iteration)
        for note in command.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        for warning in command.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        print(try command.commandLine())
    }
}
