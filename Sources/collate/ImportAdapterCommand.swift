import ArgumentParser
import Collate
import Foundation

struct ImportAdapterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-adapter",
        abstract: "Bring a PEFT LoRA adapter trained elsewhere (TRL, PEFT) back as a provider's adapter.",
        discussion: """
            Checks adapter_config.json (LoRA, causal LM, its base against the session's base when it \
            names a local directory) and every factor's shape against the base model, then writes \
            adapters/iteration-<I>/provider-<P>/ under a temporary name and renames it into place. \
            The next iteration's generate stage uses it.
            """)

    @OptionGroup var session: SessionOptions

    @Option(parsing: .unconditional, help: "The provider whose adapter this becomes.")
    var provider: Int

    @Option(parsing: .unconditional, help: "The iteration the adapter ends (its training iteration).")
    var iteration: Int

    @Flag(help: "Overwrite an adapter already in place.")
    var replace = false

    @Argument(help: ArgumentHelp("The PEFT adapter directory (adapter_config.json, adapter_model.safetensors).", valueName: "dir"))
    var directory: String

    func validate() throws {
        try ArgumentChecks.atLeast(1, provider, "--provider")
        // Iteration 0 is the providers stage's adapters.
        try ArgumentChecks.atLeast(0, iteration, "--iteration")
    }

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        let source = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let result = try AdapterImport.run(session: opened, provider: provider, iteration: iteration, from: source,
                                           replace: replace)
        for note in result.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        print("provider \(provider), iteration \(iteration): rank \(result.rank) on "
              + "\(result.targets.joined(separator: ",")) -> \(result.directory.path)")
    }
}
