import ArgumentParser
import Collate

struct MIFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mift",
        abstract: "Stage 1: a LoRA on the base model trained on the MIFT mixture, merged into mift/.",
        discussion: """
            Each training example gets one of the modes I -> A, I -> R, [I;R] -> A (I -> A when it has \
            no gold rationale); loss on the target and EOS only. Settings: [lora], [mift], [seeds] \
            training. Checkpoints every [mift] checkpoint_every steps; rerun after a kill to resume. \
            The merged model is written to mift/ (F32), which every later stage then uses as M_IFT. \
            With [mift] skip = true (the model is M_IFT already, as the demo's) there is nothing to do.
            """)

    @OptionGroup var session: SessionOptions

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        let reporter = ProgressReporter()
        let training = TrainingProgress(reporter: reporter)
        let result = try MIFTStage.run(session: opened, onProgress: { reporter.report($0) }) {
            training.observe($0, stage: "mift: LoRA")
        }
        switch result {
        case .skipped:
            print("[mift] skip = true: \(opened.miftDirectory.path) is M_IFT; nothing to do")
        case .alreadyWritten(let url):
            print("M_IFT is already written: \(url.path)")
        case .trained(.finished(_, let steps), let mift):
            print("MIFT: \(steps) steps, M_IFT written to \(mift?.path ?? "")")
        case .trained(.stopped(_, let step), _):
            print("MIFT stopped after step \(step); run mift again to resume")
        case .trained(.failed(_, _, let message), _):
            print("MIFT failed: \(message)")
            throw ExitCode.failure
        }
    }
}
