import Foundation
import LLM
import TensorCore

/// The settings of the MIFT LoRA run: the manifest's [mift] table and [seeds] training, with
/// the same HF Trainer defaults as DPO (10% linear warm-up then cosine, clip at 1, no decay).
public struct MIFTTrainingConfiguration: Sendable, Equatable, Codable {
    public var learningRate: Double
    public var batchSize: Int
    public var epochs: Int
    public var maxSteps: Int?
    public var checkpointEvery: Int
    public var seed: UInt64
    public var warmupRatio = 0.1
    public var maxGradNorm = 1.0

    public init(manifest: SessionManifest) {
        learningRate = manifest.mift.learningRate
        batchSize = manifest.mift.batchSize
        epochs = manifest.mift.epochs
        maxSteps = manifest.mift.maxSteps
        checkpointEvery = manifest.mift.checkpointEvery
        seed = manifest.seeds.training
    }

    public func totalSteps(exampleCount: Int) -> Int {
        maxSteps ?? (exampleCount + batchSize - 1) / batchSize * epochs
    }
}

/// LoRA training of the base on the MIFT mixture (COLLATE.md section 1), resumable like the DPO
/// trainer and with its checkpoint format (`TrainingCheckpoint`: adapter weights, AdamW moments
/// and step, RNG state, data position), recorded as run kind "mift" (iteration 0, provider 0).
/// Loss: cross-entropy on the target tokens and EOS only, averaged over the batch's target tokens.
/// A NaN/inf loss or gradient stops the run before the step is applied (marked failed, the last
/// good checkpoint kept).
public final class MIFTLoRATrainer {
    public static let runKind = "mift"

    let store: SessionStore
    let sessionFolder: URL
    let model: LlamaModel
    let adapterName: String
    let sequences: [MIFTSequence]
    let configuration: MIFTTrainingConfiguration

    public init(store: SessionStore, sessionFolder: URL, model: LlamaModel, adapterName: String,
                sequences: [MIFTSequence], configuration: MIFTTrainingConfiguration) {
        model.setBaseTrainable(false)
        self.store = store
        self.sessionFolder = sessionFolder
        self.model = model
        self.adapterName = adapterName
        self.sequences = sequences
        self.configuration = configuration
    }

    var parameters: [(name: String, variable: Variable)] {
        (model.adapters[adapterName]?.parameters ?? []).enumerated()
            .map { ($0.element.name ?? "lora.\($0.offset)", $0.element) }.sorted { $0.name < $1.name }
    }

    var digest: UInt64 { DataOrder.digest(pairIDs: sequences.map(\.promptID)) }

    public func run(onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) throws -> TrainingOutcome {
        guard !sequences.isEmpty else { throw TrainingError.noPairs }
        let totalSteps = configuration.totalSteps(exampleCount: sequences.count)
        // Sorted keys, as the DPO runs store theirs: the encoder's key order otherwise changes
        // from one process to the next, so a resumed or repeated run stored other bytes.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let config = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        var run: RunRecord
        if let latest = try store.latestRun(kind: Self.runKind, iteration: 0, provider: 0), let id = latest.id {
            if latest.status != .finished { try store.reopenRun(id: id, config: config) }
            run = latest
        } else {
            run = try store.startRun(RunRecord(kind: Self.runKind, iteration: 0, provider: 0, config: config))
        }
        guard let runID = run.id else { throw StoreError.corrupt("a run without an id") }
        let named = parameters
        let optimizer = AdamW(parameters: named.map(\.variable), configuration: .init(weightDecay: 0))
        var step = 0
        var position = DataPosition(epoch: 0, index: 0)
        if let record = try store.latestCheckpoint(runID: runID) {
            let url = sessionFolder.appendingPathComponent(record.path)
            let checkpoint = try CheckpointFile.read(url)
            guard checkpoint.pairsDigest == digest, Set(checkpoint.parameters.keys) == Set(named.map(\.name)) else {
                throw TrainingError.mismatchedCheckpoint(path: url.path, reason: "written for other MIFT examples or another adapter")
            }
            for (name, variable) in named {
                guard let value = checkpoint.parameters[name], value.shape == variable.shape else {
                    throw TrainingError.mismatchedCheckpoint(path: url.path, reason: "\(name) has another shape")
                }
                variable.value = value
            }
            do { try optimizer.restore(checkpoint.optimizer) } catch {
                throw TrainingError.mismatchedCheckpoint(path: url.path, reason: "\(error)")
            }
            (step, position) = (checkpoint.step, checkpoint.position)
        }
        if run.status == .finished { return .finished(runID: runID, steps: step) }
        _ = onEvent(.started(runID: runID, fromStep: step, totalSteps: totalSteps))
        var order = DataOrder(count: sequences.count, seed: configuration.seed)
        let schedule = CosineSchedule(peak: Float(configuration.learningRate),
                                      warmupSteps: Int((Double(totalSteps) * configuration.warmupRatio).rounded(.up)),
                                      totalSteps: totalSteps)
        let tail = TrainingStepTail(store: store, runID: runID, totalSteps: totalSteps,
                                    checkpointEvery: configuration.checkpointEvery)
        while step < totalSteps {
            let (indices, next) = order.batch(at: position, batchSize: configuration.batchSize)
            let loss = self.loss(indices.map { sequences[$0] })                               // []
            loss.backward()
            let norm = clipGradientNorm(optimizer.parameters, maxNorm: Float(configuration.maxGradNorm))
            let value = loss.value.item
            guard value.isFinite, norm.isFinite else {
                optimizer.zeroGrad()
                let message = "step \(step + 1): the MIFT loss is \(value), the gradient norm \(norm); the step was not "
                    + "applied. Lower [mift] learning_rate and run mift again to resume from the last checkpoint."
                try store.finishRun(id: runID, status: .failed, message: message)
                _ = onEvent(.failed(step: step + 1, message: message))
                return .failed(runID: runID, step: step + 1, message: message)
            }
            let rate = schedule.learningRate(at: step)
            optimizer.step(learningRate: rate)
            optimizer.zeroGrad()
            step += 1
            position = next
            var metric = MetricRecord(runId: runID, step: step)
            metric.loss = Double(value)
            metric.gradNorm = Double(norm)
            metric.learningRate = Double(rate)
            metric.epoch = Double(next.epoch) + Double(next.index) / Double(sequences.count)
            if let outcome = try tail.close(step: step, metric: metric, onEvent: onEvent, saveCheckpoint: {
                let path = "checkpoints/mift-run-\(runID)/step-\(String(format: "%06d", step)).ckpt"
                let checkpoint = TrainingCheckpoint(
                    step: step, position: position, random: SeededRandom(seed: configuration.seed).state,
                    pairsDigest: digest, parameters: Dictionary(uniqueKeysWithValues: named.map { ($0.name, $0.variable.value) }),
                    optimizer: optimizer.state)
                try CheckpointFile.write(checkpoint, to: sessionFolder.appendingPathComponent(path))
                try store.recordCheckpoint(CheckpointRecord(runId: runID, step: step, path: path))
                return path
            }) {
                return outcome
            }
        }
        return try tail.finish(steps: step, onEvent: onEvent)
    }

    /// Mean cross-entropy over the target tokens (and EOS) of a right-padded batch.
    func loss(_ batch: [MIFTSequence]) -> Variable {
        let tokens = TokenBatch(rows: batch.map(\.tokens))
        let (b, t) = (tokens.batch, tokens.length)
        // Row (i, p) of the logits predicts slot p + 1: a target when that slot is a target token.
        var targets = [Int](repeating: 0, count: b * t), mask = [Bool](repeating: false, count: b * t)
        for (i, sequence) in batch.enumerated() {
            let ids = sequence.tokens
            for slot in sequence.prompt.count..<ids.count {
                targets[i * t + slot - 1] = ids[slot]
                mask[i * t + slot - 1] = true
            }
        }
        let logits = model.trainingLogits(tokens, adapter: adapterName).reshaped([b * t, model.config.vocabSize])
        return crossEntropy(logits: logits, targets: targets, mask: mask)
    }
}
