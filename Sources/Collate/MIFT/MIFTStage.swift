import Foundation
import LLM

/// The MIFT stage (COLLATE.md section 1): a LoRA ([lora]) on the manifest's base model, trained
/// ([mift], seed [seeds] training) on the MIFT mixture of the session's training split
/// (`MIFTMixture`), merged into the base (W + scale * B A) and written as an HF directory to
/// `mift/` (config.json, tokenizer.json, model.safetensors in F32: M_IFT scores every rationale,
/// so the merged update is not rounded), under a temporary name renamed into place.
/// Resumable: a rerun continues the run from its last checkpoint; once `mift/` exists the stage
/// is done. Sessions whose model is M_IFT already set `[mift] skip = true` and have no MIFT stage.
public enum MIFTStage {
    public static let adapterName = "mift"

    public enum Result: Sendable, Equatable {
        /// `[mift] skip = true`: the manifest's model is M_IFT.
        case skipped
        /// `mift/` was there already.
        case alreadyWritten(URL)
        /// Trained (or resumed); `mift` is set once the run finished and the model was written.
        case trained(TrainingOutcome, mift: URL?)
    }

    public static func run(session: Session, onProgress: (StageProgress) -> Void = { _ in },
                           onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) throws -> Result {
        let manifest = session.manifest
        if manifest.miftSkipped { return .skipped }
        let target = session.location.mift
        if session.miftWritten { return .alreadyWritten(target) }
        let baseURL = session.location.resolve(manifest.model)
        let base: ModelDirectory
        var model: LlamaModel
        do {
            base = try ModelDirectory(url: baseURL)
            model = try LlamaModel(directory: base)
        } catch {
            throw StageError.model(path: baseURL.path, reason: "\(error)")
        }
        let prompts = try session.store.prompts(split: .train)
        let mixture = try MIFTMixture.sequences(prompts: prompts, templates: manifest.templates,
                                                seed: manifest.seeds.training, model: model, tokenizer: base.tokenizer)
        onProgress(StageProgress(stage: "mift: mixture", split: .train, done: prompts.count, total: prompts.count,
                                 worked: mixture.sequences.count))
        guard !mixture.sequences.isEmpty else {
            throw StageError.evaluation("MIFT: none of the \(prompts.count) training prompts fits the model's context "
                + "(import the task data first)")
        }
        model.adapters[adapterName] = LoRAAdapter(for: model, configuration: manifest.lora.configuration,
                                                  seed: manifest.seeds.training)
        let trainer = MIFTLoRATrainer(store: session.store, sessionFolder: session.location.folder, model: model,
                                      adapterName: adapterName, sequences: mixture.sequences,
                                      configuration: MIFTTrainingConfiguration(manifest: manifest))
        let outcome = try trainer.run(onEvent: onEvent)
        guard outcome.isFinished else { return .trained(outcome, mift: nil) }
        try write(model.merged(adapter: adapterName), tokenizerFrom: baseURL, to: target)
        return .trained(outcome, mift: target)
    }

    /// Writes the HF directory whole (`buildDirectory`).
    static func write(_ model: LlamaModel, tokenizerFrom source: URL, to target: URL) throws {
        do {
            try buildDirectory(target) { try model.save(to: $0, dtype: .float32, copyingTokenizerFrom: source) }
        } catch {
            throw StageError.model(path: target.path, reason: "cannot write M_IFT: \(error)")
        }
    }
}
