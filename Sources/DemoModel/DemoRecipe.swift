import Collate
import Foundation
import LLM
import TensorCore

/// What the recipe tells its caller as it goes (the CLI prints it on stderr).
public enum DemoBuildEvent: Sendable {
    case tokenizerTrained(vocabularySize: Int)
    case dataReady(problems: Int, dropped: Int, parameters: Int)
    case resumed(step: Int)
    case step(MIFTStepReport)
    case checkpointed(step: Int)
    case wrote(URL)
}

public struct DemoRecipeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `collate demo build`: a byte-level BPE tokenizer trained on the training problems, then
/// a small Llama model trained from scratch on the MIFT mixture, written as an HF directory.
public enum DemoRecipe {
    public static let endOfText = "<|endoftext|>"

    /// The tokenizer, trained on every text the model will read in any mode.
    public static func trainTokenizer(_ examples: [DemoExample], templates: PromptTemplates,
                                      vocabularySize: Int) throws -> TrainedBPE {
        var trainer = BPETrainer(vocabularySize: vocabularySize, specialTokens: [endOfText])
        for example in examples {
            let (prompt, answer) = MIFTDataset.texts(example, mode: .answerWithRationale, templates: templates)
            trainer.addText(prompt)
            trainer.addText(answer)
        }
        return try trainer.train()
    }

    /// Trains (or resumes from `checkpoints`) and writes the model to `output` through a
    /// temporary directory renamed into place. Steps already taken are not redone. With
    /// `pausingAt`, the run checkpoints at that step and returns without writing the model
    /// (a time-boxed session; `resume` continues it).
    public static func build(examples: [DemoExample], templates: PromptTemplates,
                             configuration: DemoRecipeConfiguration, output: URL, checkpoints: URL,
                             resume: Bool, pausingAt: Int? = nil,
                             progress: (DemoBuildEvent) -> Void = { _ in }) throws {
        if let problem = configuration.problem { throw DemoRecipeError("recipe configuration: \(problem)") }
        guard !examples.isEmpty else { throw DemoRecipeError("no training problems with a rationale") }
        let checkpoint = DemoCheckpoint(directory: checkpoints)
        let loaded = resume ? try checkpoint.load() : nil
        if resume, let loaded, loaded.configuration != configuration {
            throw DemoRecipeError("the checkpoint in \(checkpoints.path) was made with another recipe configuration "
                + "(steps \(loaded.configuration.steps), seed \(loaded.configuration.seed)); rerun without --resume")
        }
        let tokenizerJSON = try loaded?.tokenizerJSON
            ?? trainTokenizer(examples, templates: templates, vocabularySize: configuration.vocabularySize).json()
        let tokenizer = try Tokenizer(json: tokenizerJSON)
        guard let eosID = tokenizer.id(of: endOfText) else { throw DemoRecipeError("the tokenizer has no \(endOfText)") }
        progress(.tokenizerTrained(vocabularySize: tokenizer.vocabularySize))

        // The configured vocabulary is an upper bound: a small corpus may run out of merges.
        var effective = configuration
        effective.vocabularySize = tokenizer.vocabularySize
        let dataset = MIFTDataset(examples: examples, templates: templates, tokenizer: tokenizer, eosID: eosID,
                                  contextLength: configuration.contextLength)
        guard dataset.count > 0 else { throw DemoRecipeError("no problem fits the \(configuration.contextLength)-token context") }
        let model = loaded?.model ?? MIFTTrainer.initialModel(effective, eosID: eosID)
        progress(.dataReady(problems: dataset.count, dropped: dataset.droppedCount, parameters: model.parameterCount))
        let trainer = try MIFTTrainer(configuration: configuration, dataset: dataset, model: model,
                                      optimizerState: loaded?.optimizerState, sampler: loaded?.sampler)
        if let loaded { progress(.resumed(step: loaded.step)) }

        let last = min(configuration.steps, pausingAt ?? configuration.steps)
        while trainer.step < last {
            progress(.step(try trainer.trainStep()))
            if trainer.step % configuration.checkpointEvery == 0 || trainer.step == last {
                try checkpoint.save(trainer, tokenizerJSON: tokenizerJSON)
                progress(.checkpointed(step: trainer.step))
            }
        }
        guard trainer.step == configuration.steps else { return }
        try writeModel(trainer.model, tokenizerJSON: tokenizerJSON, to: output)
        progress(.wrote(output))
    }

    /// Writes the HF directory in F16 beside `output`, then renames it into place (an
    /// existing directory is replaced only once the new one is complete).
    public static func writeModel(_ model: LlamaModel, tokenizerJSON: String, to output: URL) throws {
        let fileManager = FileManager.default
        let parent = output.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        let temporary = parent.appendingPathComponent(".\(output.lastPathComponent).partial", isDirectory: true)
        let previous = parent.appendingPathComponent(".\(output.lastPathComponent).previous", isDirectory: true)
        try? fileManager.removeItem(at: temporary)
        try? fileManager.removeItem(at: previous)
        try model.save(to: temporary, dtype: .float16, tokenizerJSON: tokenizerJSON)
        if fileManager.fileExists(atPath: output.path) { try fileManager.moveItem(at: output, to: previous) }
        try fileManager.moveItem(at: temporary, to: output)
        try? fileManager.removeItem(at: previous)
    }

    /// The session's training split, rationale-bearing problems only: `train.jsonl` minus the
    /// validation examples the session carves out (same seed and rule as its import).
    public static func trainingExamples(manifest: SessionManifest, sessionFolder: URL) throws -> [DemoExample] {
        let url = sessionFolder.appendingPathComponent(manifest.data.train)
        let read = try TaskFileReader.read(url: url, displayName: manifest.data.train,
                                           format: manifest.data.format, fields: manifest.data.fields)
        if let bad = read.bad.first { throw DemoRecipeError("\(bad)") }
        let splits = try SplitAssignment.assign(count: read.examples.count, spec: manifest.splits,
                                                hasTestFile: manifest.data.test != nil)
        return zip(read.examples, splits).compactMap { example, split in
            guard split == .train, let rationale = example.goldRationale else { return nil }
            return DemoExample(instruction: example.instruction, rationale: rationale, answer: example.goldAnswer)
        }
    }

    /// The first `count` problems of the session's test file (never trained on).
    public static func testExamples(manifest: SessionManifest, sessionFolder: URL, count: Int) throws -> [DemoExample] {
        guard let test = manifest.data.test else { throw DemoRecipeError("the session has no test file") }
        let read = try TaskFileReader.read(url: sessionFolder.appendingPathComponent(test), displayName: test,
                                           format: manifest.data.format, fields: manifest.data.fields)
        if let bad = read.bad.first { throw DemoRecipeError("\(bad)") }
        return read.examples.prefix(count).compactMap { example in
            example.goldRationale.map { DemoExample(instruction: example.instruction, rationale: $0, answer: example.goldAnswer) }
        }
    }
}
