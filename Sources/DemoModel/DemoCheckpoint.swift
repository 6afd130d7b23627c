import Foundation
import LLM
import TensorCore

/// A resumable training state on disk: `<directory>/step-N/` holds the model in F32 (an HF
/// directory with the tokenizer), `optimizer.bin` (AdamW moments and step) and `state.json`
/// (recipe configuration, sampler with its RNG state). `<directory>/latest` names the newest
/// complete one; it is replaced atomically after the step directory is fully written, so a
/// build killed at any moment leaves a checkpoint that loads.
/// (Named for the demo recipe: Collate's `TrainingCheckpoint` is the DPO and MIFT runs' file.)
public struct DemoCheckpoint {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    struct State: Codable {
        var step: Int
        var configuration: DemoRecipeConfiguration
        var sampler: MIFTSampler
    }

    public struct Loaded {
        public var step: Int
        public var configuration: DemoRecipeConfiguration
        public var model: LlamaModel
        public var tokenizerJSON: String
        public var optimizerState: AdamWState
        public var sampler: MIFTSampler
    }

    var latestFile: URL { directory.appendingPathComponent("latest") }

    /// Writes the trainer's state as the newest checkpoint and removes older ones.
    public func save(_ trainer: MIFTTrainer, tokenizerJSON: String) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = "step-\(trainer.step)"
        let final = directory.appendingPathComponent(name, isDirectory: true)
        let temporary = directory.appendingPathComponent(name + ".partial", isDirectory: true)
        try? fileManager.removeItem(at: temporary)
        try trainer.model.save(to: temporary, dtype: .float32, tokenizerJSON: tokenizerJSON)
        try Data(trainer.optimizer.state.serialized()).write(to: temporary.appendingPathComponent("optimizer.bin"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let state = State(step: trainer.step, configuration: trainer.configuration, sampler: trainer.sampler)
        try encoder.encode(state).write(to: temporary.appendingPathComponent("state.json"))
        try? fileManager.removeItem(at: final)
        try fileManager.moveItem(at: temporary, to: final)
        try Data((name + "\n").utf8).write(to: latestFile, options: .atomic)
        for entry in try fileManager.contentsOfDirectory(atPath: directory.path)
        where entry.hasPrefix("step-") && entry != name {
            try? fileManager.removeItem(at: directory.appendingPathComponent(entry))
        }
    }

    /// The newest checkpoint, or nil when there is none.
    public func load() throws -> Loaded? {
        guard let text = try? String(contentsOf: latestFile, encoding: .utf8) else { return nil }
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let folder = directory.appendingPathComponent(name, isDirectory: true)
        let stateURL = folder.appendingPathComponent("state.json")
        let state: State
        do {
            state = try JSONDecoder().decode(State.self, from: Data(contentsOf: stateURL))
        } catch {
            throw CheckpointError(file: stateURL.path, reason: "\(error)")
        }
        let optimizerURL = folder.appendingPathComponent("optimizer.bin")
        let optimizerState: AdamWState
        do {
            optimizerState = try AdamWState(serialized: [UInt8](Data(contentsOf: optimizerURL)))
        } catch {
            throw CheckpointError(file: optimizerURL.path, reason: "\(error)")
        }
        guard optimizerState.stepCount == state.step else {
            throw CheckpointError(file: optimizerURL.path,
                                  reason: "optimizer step \(optimizerState.stepCount) but state.json says \(state.step)")
        }
        let tokenizerURL = folder.appendingPathComponent("tokenizer.json")
        let tokenizerJSON: String
        do { tokenizerJSON = try String(contentsOf: tokenizerURL, encoding: .utf8) } catch {
            throw CheckpointError(file: tokenizerURL.path, reason: "\(error)")
        }
        let model = try LlamaModel(directory: ModelDirectory(url: folder))
        return Loaded(step: state.step, configuration: state.configuration, model: model,
                      tokenizerJSON: tokenizerJSON, optimizerState: optimizerState, sampler: state.sampler)
    }
}

public struct CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "checkpoint \(file): \(reason)" }
}
