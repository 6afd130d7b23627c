import LLM
import TensorCore

/// What one optimiser step did.
public struct MIFTStepReport: Sendable, Equatable {
    public var step: Int
    /// Mean cross-entropy over the batch's target tokens (EOS included).
    public var loss: Float
    public var learningRate: Float
    public var gradientNorm: Float
    /// Target tokens (loss) and all real tokens (compute) of the batch.
    public var targetTokens: Int
    public var tokens: Int
}

public enum MIFTTrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    case nonFiniteLoss(step: Int, loss: Float, gradientNorm: Float)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let loss, let norm):
            "training diverged at step \(step): loss \(loss), gradient norm \(norm) (lower the learning rate)"
        }
    }
}

/// Full training of every model parameter on the MIFT mixture: padded batches, loss only on
/// target tokens, AdamW with warm-up + cosine decay and global gradient clipping.
public final class MIFTTrainer {
    public let configuration: DemoRecipeConfiguration
    public let dataset: MIFTDataset
    public private(set) var model: LlamaModel
    public let optimizer: AdamW
    public let schedule: CosineSchedule
    public private(set) var sampler: MIFTSampler
    /// Optimiser steps taken so far.
    public var step: Int { optimizer.stepCount }

    /// A trainer for `model` (fresh or restored) with optimiser and sampler state as given.
    public init(configuration: DemoRecipeConfiguration, dataset: MIFTDataset, model: LlamaModel,
                optimizerState: AdamWState? = nil, sampler: MIFTSampler? = nil) throws {
        self.configuration = configuration
        self.dataset = dataset
        self.model = model
        model.setBaseTrainable(true)
        let parameters = model.namedParameters
        optimizer = AdamW(
            parameters: parameters.map(\.variable),
            configuration: .init(beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: configuration.weightDecay),
            noWeightDecay: Set(parameters.map(\.name).filter { $0.hasSuffix("norm.weight") }))
        if let optimizerState { try optimizer.restore(optimizerState) }
        schedule = CosineSchedule(peak: configuration.peakLearningRate, warmupSteps: configuration.warmupSteps,
                                  totalSteps: configuration.steps, minimum: configuration.minimumLearningRate)
        self.sampler = sampler ?? MIFTSampler(problemCount: dataset.count, seed: configuration.seed &+ 1,
                                                  modeWeights: configuration.modeWeights)
    }

    /// A fresh model, reproducible from the configuration's seed.
    public static func initialModel(_ configuration: DemoRecipeConfiguration, eosID: Int) -> LlamaModel {
        LlamaModel(randomConfig: configuration.modelConfig(eosID: eosID), seed: configuration.seed)
    }

    /// Draws the next batch and takes one optimiser step on it.
    public func trainStep() throws(MIFTTrainingError) -> MIFTStepReport {
        let draws = sampler.nextBatch(size: configuration.batchSize)
        let sequences = draws.map { dataset.sequences[$0.problem][$0.mode] }
        let batch = TokenBatch(rows: sequences.map(\.tokens))
        let (b, t) = (batch.batch, batch.length)
        // Row (i, p) of the logits predicts slot p + 1: a target when that slot is a target token.
        var targets = [Int](repeating: 0, count: b * t), mask = [Bool](repeating: false, count: b * t)
        var targetTokens = 0
        for (i, sequence) in sequences.enumerated() {
            let ids = sequence.tokens
            for slot in sequence.prompt.count..<ids.count {
                targets[i * t + slot - 1] = ids[slot]
                mask[i * t + slot - 1] = true
                targetTokens += 1
            }
        }
        let logits = model.trainingLogits(batch).reshaped([b * t, model.config.vocabSize])   // [B*T, V]
        let loss = crossEntropy(logits: logits, targets: targets, mask: mask)                // []
        loss.backward()
        let norm = clipGradientNorm(optimizer.parameters, maxNorm: configuration.maxGradientNorm)
        let lossValue = loss.value.item
        guard lossValue.isFinite, norm.isFinite else {
            optimizer.zeroGrad()
            throw .nonFiniteLoss(step: step + 1, loss: lossValue, gradientNorm: norm)
        }
        let learningRate = schedule.learningRate(at: step)
        optimizer.step(learningRate: learningRate)
        optimizer.zeroGrad()
        return MIFTStepReport(step: step, loss: lossValue, learningRate: learningRate, gradientNorm: norm,
                              targetTokens: targetTokens, tokens: sequences.reduce(0) { $0 + $1.tokens.count })
    }
}
