import Foundation
import TensorCore

/// The settings of one DPO run. Most come from the manifest's `[dpo]` table and
/// `[seeds] training`; the rest are HF Trainer's usual values, written here because the
/// manifest names none.
public struct DPOTrainingConfiguration: Sendable, Equatable, Codable {
    public var beta: Double
    public var loss: DPOLossType
    /// Weight of the SFT term on the chosen rationales (`DPOSpec.sftWeight`); 0: plain DPO.
    public var sftWeight: Double = 0
    /// Peak learning rate of the cosine schedule.
    public var learningRate: Double
    /// Pairs per optimiser step (the last batch of an epoch may be smaller).
    public var batchSize: Int
    public var epochs: Int
    /// When set, the run is this many steps long whatever `epochs` says (TRL's max_steps).
    public var maxSteps: Int?
    /// A checkpoint every this many steps (and always at the last step and on stop).
    public var checkpointEvery: Int
    /// The schedule after the warm-up.
    public var scheduler: LearningRateScheduler = .cosine
    /// Fraction of the steps spent warming up linearly (rounded up to whole steps).
    public var warmupRatio: Double = 0.1
    /// Global gradient-norm clip (HF Trainer's max_grad_norm default); 0: no clipping.
    public var maxGradNorm: Double = 1.0
    /// AdamW's decoupled weight decay (HF Trainer's default: none).
    public var weightDecay: Double = 0
    /// Data order and dropout.
    public var seed: UInt64

    public init(beta: Double, loss: DPOLossType, learningRate: Double, batchSize: Int, epochs: Int,
                maxSteps: Int?, checkpointEvery: Int, seed: UInt64) {
        self.beta = beta
        self.loss = loss
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        self.maxSteps = maxSteps
        self.checkpointEvery = checkpointEvery
        self.seed = seed
    }

    /// The manifest's `[dpo]` settings and training seed.
    public init(manifest: SessionManifest) {
        let training = manifest.dpo.training
        self.init(beta: manifest.dpo.beta, loss: manifest.dpo.loss, learningRate: training.learningRate,
                  batchSize: training.batchSize, epochs: training.epochs, maxSteps: training.maxSteps,
                  checkpointEvery: training.checkpointEvery, seed: manifest.seeds.training)
        sftWeight = manifest.dpo.sftWeight
        scheduler = manifest.dpo.scheduler
        warmupRatio = manifest.dpo.warmupRatio
        maxGradNorm = manifest.dpo.maxGradNorm
        weightDecay = manifest.dpo.weightDecay
    }

    /// The rate of the step after `completedSteps` steps: linear warm-up from 0, then the
    /// scheduler (HF's `get_cosine_schedule_with_warmup` / `get_constant_schedule_with_warmup`).
    public func learningRate(afterSteps completedSteps: Int, totalSteps: Int) -> Float {
        let warmup = warmupSteps(totalSteps: totalSteps)
        switch scheduler {
        case .cosine:
            return CosineSchedule(peak: Float(learningRate), warmupSteps: warmup, totalSteps: totalSteps)
                .learningRate(at: completedSteps)
        case .constant:
            if completedSteps < warmup { return Float(learningRate * Double(completedSteps) / Double(warmup)) }
            return Float(learningRate)
        }
    }

    /// Optimiser steps of the run over `pairCount` pairs.
    public func totalSteps(pairCount: Int) -> Int {
        if let maxSteps { return maxSteps }
        let perEpoch = (pairCount + batchSize - 1) / batchSize
        return perEpoch * epochs
    }

    /// Warm-up steps: ceil(total * ratio), as HF's `get_warmup_steps`.
    public func warmupSteps(totalSteps: Int) -> Int {
        Int((Double(totalSteps) * warmupRatio).rounded(.up))
    }

    func validate() throws(TrainingError) {
        func check(_ ok: Bool, _ field: String, _ value: Any) throws(TrainingError) {
            if !ok { throw .invalidConfiguration("\(field) = \(value) is out of range") }
        }
        try check(beta.isFinite && beta > 0, "beta", beta)
        try check(sftWeight.isFinite && sftWeight >= 0, "sft_weight", sftWeight)
        try check(learningRate.isFinite && learningRate > 0, "learning_rate", learningRate)
        try check(batchSize >= 1, "batch_size", batchSize)
        try check(epochs >= 1, "epochs", epochs)
        try check((maxSteps ?? 1) >= 1, "max_steps", maxSteps ?? 0)
        try check(checkpointEvery >= 1, "checkpoint_every", checkpointEvery)
        try check(warmupRatio >= 0 && warmupRatio < 1, "warmup_ratio", warmupRatio)
        try check(maxGradNorm.isFinite && maxGradNorm >= 0, "max_grad_norm", maxGradNorm)
        try check(weightDecay.isFinite && weightDecay >= 0, "weight_decay", weightDecay)
    }
}
