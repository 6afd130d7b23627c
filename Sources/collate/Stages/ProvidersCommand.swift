import ArgumentParser
import Collate

struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "Stage 2: split the rationale data into S subsets and give each provider a fresh LoRA adapter.",
        discussion: """
            Adapters ([lora] rank, alpha, targets) are written to adapters/iteration-0/provider-<s>/. \
            The DPO tuning of each provider on its subset (chosen = gold rationale, rejected = its own) \
            is not wired into this command yet: until it is, the fresh adapters (B = 0) leave every \
            provider equal to M_IFT.
            """)

    @OptionGroup var session: SessionOptions

    func run() throws {
        let opened = try Session.open(try session.location())
        let report = try ProvidersStage.run(session: opened)
        for provider in report.subsets.keys.sorted() {
            let state = report.written.contains(provider) ? "fresh adapter written" : "adapter already on disk, kept"
            print("provider \(provider): \(report.subsets[provider]?.count ?? 0) rationale-bearing training prompts, \(state)")
        }
        print("not DPO-tuned: the providers equal M_IFT until they are trained on their subsets")
    }
}
