import Foundation
import TensorCore

/// DPO on one provider's pairs in one iteration (COLLATE.md section 3, step 5), resumable.
///
/// ```swift
/// let trainer = DPOTrainer(store: session.store, sessionFolder: session.location.folder,
///                          policy: provider, pairs: pairs, iteration: 1, provider: 2,
///                          configuration: DPOTrainingConfiguration(manifest: session.manifest))
/// let outcome = try trainer.run { event in
///     if case .step(let metric) = event { print(metric.step, metric.loss ?? .nan) }
///     return .proceed
/// }
/// ```
/// One run per (iteration, provider) in the store. `run` continues that run when it exists:
/// it loads the latest checkpoint (weights, AdamW moments and step, RNG state, data position)
/// and carries on, so an interrupted run ends with the weights of an uninterrupted one, bit
/// for bit, given the same seed and thread count. A finished run is not trained again: its
/// final weights are loaded and `.finished` is returned.
///
/// Each step: the batch's policy log-probs (a graph), `DPOLoss.compute` on them and the stored
/// reference log-probs (the single source of the loss maths), its gradients pushed back
/// through the log-probs, the global norm clipped (unless max_grad_norm is 0), AdamW at the schedule's rate. A NaN
/// or inf in the log-probs, the loss or the gradient stops the run before the step is
/// applied: the run is marked failed with a message naming the step, the last good checkpoint
/// stays, and a later `run` (say with a lower learning rate) resumes from it.
///
/// The policy passed in must be the provider as it was at the start of the iteration: missing
/// reference log-probs are computed from it before any checkpoint is loaded.
public final class DPOTrainer {
    /// `run.kind` of DPO runs.
    public static let runKind = "dpo"

    public let store: SessionStore
    /// Checkpoint paths are recorded relative to this folder.
    public let sessionFolder: URL
    public let policy: any PreferencePolicy
    public let pairs: [PreferencePair]
    public let iteration: Int
    public let provider: Int
    public let configuration: DPOTrainingConfiguration

    public init(store: SessionStore, sessionFolder: URL, policy: any PreferencePolicy, pairs: [PreferencePair],
                iteration: Int, provider: Int, configuration: DPOTrainingConfiguration) {
        self.store = store
        self.sessionFolder = sessionFolder
        self.policy = policy
        self.pairs = pairs
        self.iteration = iteration
        self.provider = provider
        self.configuration = configuration
    }

    /// Where a run stands between steps; what a checkpoint restores.
    struct RunState {
        var step: Int
        var position: DataPosition
        var random: SeededRandom
    }

    /// The trainable parameters, sorted by name, each named (AdamW keys its state by name).
    var namedParameters: [(name: String, variable: Variable)] {
        policy.trainableParameters.sorted { $0.key < $1.key }.map { name, variable in
            variable.name = name
            return (name, variable)
        }
    }

    /// Trains to the end, or until `onEvent` answers `.stop` or a NaN/inf appears. Throws for
    /// what is not the model's numerics: bad settings, I/O, a corrupt checkpoint (naming the
    /// file), a policy that breaks its contract; the run is then marked failed too.
    @discardableResult
    public func run(onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) throws -> TrainingOutcome {
        try configuration.validate()
        guard !pairs.isEmpty else { throw TrainingError.noPairs }
        var seen = Set<Int64>()
        if let repeated = pairs.first(where: { !seen.insert($0.id).inserted }) {
            throw TrainingError.invalidConfiguration("pair \(repeated.id) is given twice")
        }
        let totalSteps = configuration.totalSteps(pairCount: pairs.count)
        let run = try openRun(totalSteps: totalSteps)
        guard let runID = run.id else { throw StoreError.corrupt("a run without an id") }
        removeStaleTemporaryCheckpoints(runID: runID)
        do {
            let references = try referenceLogprobs(runID: runID, onEvent: onEvent)
            let parameters = namedParameters
            let optimizer = AdamW(parameters: parameters.map(\.variable),
                                  configuration: .init(weightDecay: Float(configuration.weightDecay)))
            var state = RunState(step: 0, position: DataPosition(epoch: 0, index: 0),
                                 random: SeededRandom(seed: configuration.seed))
            if let checkpoint = try store.latestCheckpoint(runID: runID) {
                state = try restore(checkpoint, parameters: parameters, optimizer: optimizer)
            }
            if run.status == .finished { return .finished(runID: runID, steps: state.step) }
            _ = onEvent(.started(runID: runID, fromStep: state.step, totalSteps: totalSteps))
            return try train(runID: runID, from: state, totalSteps: totalSteps, references: references,
                             optimizer: optimizer, onEvent: onEvent)
        } catch {
            // A finished run stays finished (its adapter was saved); others are marked failed.
            if run.status != .finished { try? store.finishRun(id: runID, status: .failed, message: "\(error)") }
            throw error
        }
    }

    private func train(runID: Int64, from start: RunState, totalSteps: Int,
                       references: [Int64: ReferenceLogprobRecord], optimizer: AdamW,
                       onEvent: (TrainingEvent) -> TrainingControl) throws -> TrainingOutcome {
        var state = start
        var order = DataOrder(count: pairs.count, seed: configuration.seed)
        let tail = TrainingStepTail(store: store, runID: runID, totalSteps: totalSteps,
                                    checkpointEvery: configuration.checkpointEvery)
        while state.step < totalSteps {
            let step = state.step + 1
            let (indices, next) = order.batch(at: state.position, batchSize: configuration.batchSize)
            let batch = indices.map { pairs[$0] }
            var random = state.random
            let logprobs = try policy.sequenceLogProbs(batch, random: &random)
            let dpoBatch = try makeBatch(batch, logprobs: logprobs, references: references)
            if let problem = Self.nonFinite(dpoBatch, pairs: batch) {
                return try fail(runID: runID, step: step, problem: problem, onEvent: onEvent)
            }
            let result: DPOLossResult
            do {
                result = try DPOLoss.compute(dpoBatch, beta: configuration.beta, type: configuration.loss,
                                         sftWeight: configuration.sftWeight)
            } catch {
                return try fail(runID: runID, step: step, problem: "\(error)", onEvent: onEvent)
            }
            Self.backpropagate(result, through: logprobs)
            // max_grad_norm 0 measures the norm without clipping (HF Trainer's "no clipping").
            let maxNorm = configuration.maxGradNorm > 0 ? Float(configuration.maxGradNorm) : .infinity
            let gradNorm = clipGradientNorm(optimizer.parameters, maxNorm: maxNorm)
            guard gradNorm.isFinite else {
                optimizer.zeroGrad()
                return try fail(runID: runID, step: step, problem: "the gradient norm is \(Self.describe(Double(gradNorm)))", onEvent: onEvent)
            }
            let learningRate = configuration.learningRate(afterSteps: state.step, totalSteps: totalSteps)
            optimizer.step(learningRate: learningRate)
            optimizer.zeroGrad()
            state = RunState(step: step, position: next, random: random)

            var metric = MetricRecord(runId: runID, step: step)
            metric.record(result)
            metric.gradNorm = Double(gradNorm)
            metric.learningRate = Double(learningRate)
            metric.epoch = Double(next.epoch) + Double(next.index) / Double(pairs.count)
            if let outcome = try tail.close(step: step, metric: metric, onEvent: onEvent, saveCheckpoint: {
                try saveCheckpoint(runID: runID, state: state, optimizer: optimizer)
            }) {
                return outcome
            }
        }
        return try tail.finish(steps: state.step, onEvent: onEvent)
    }

    /// Ends the run as failed with a message that names the step and the checkpoint to resume from.
    private func fail(runID: Int64, step: Int, problem: String,
                      onEvent: (TrainingEvent) -> TrainingControl) throws -> TrainingOutcome {
        let last = try store.latestCheckpoint(runID: runID)
        let resume = last.map { "the last good checkpoint is step \($0.step) (\($0.path))" }
            ?? "no checkpoint was written yet, so a resumed run starts from step 0"
        let message = "step \(step): \(problem); the step was not applied and training stopped. "
            + "\(resume.prefix(1).uppercased() + resume.dropFirst()); lower the learning rate "
            + "([dpo] learning_rate) and train again to resume."
        try store.finishRun(id: runID, status: .failed, message: message)
        _ = onEvent(.failed(step: step, message: message))
        return .failed(runID: runID, step: step, message: message)
    }

    private func makeBatch(_ batch: [PreferencePair], logprobs: PairLogProbs,
                           references: [Int64: ReferenceLogprobRecord]) throws -> DPOBatch {
        try Self.checkShapes(logprobs, count: batch.count)
        var referenceChosen: [Double] = [], referenceRejected: [Double] = []
        for (i, pair) in batch.enumerated() {
            guard let reference = references[pair.id] else {
                throw TrainingError.policy("pair \(pair.id) has no reference log-probs")
            }
            guard reference.chosenTokens == logprobs.chosenTokenCounts[i],
                  reference.rejectedTokens == logprobs.rejectedTokenCounts[i] else {
                throw TrainingError.policy(
                    "pair \(pair.id): the policy counts \(logprobs.chosenTokenCounts[i])/\(logprobs.rejectedTokenCounts[i]) "
                        + "tokens, the reference \(reference.chosenTokens)/\(reference.rejectedTokens)")
            }
            referenceChosen.append(reference.chosenLogp)
            referenceRejected.append(reference.rejectedLogp)
        }
        return DPOBatch(
            policyChosen: logprobs.chosen.value.scalars.map(Double.init),
            policyRejected: logprobs.rejected.value.scalars.map(Double.init),
            referenceChosen: referenceChosen, referenceRejected: referenceRejected,
            chosenTokenCounts: logprobs.chosenTokenCounts, rejectedTokenCounts: logprobs.rejectedTokenCounts)
    }

    /// Pushes DPOLoss's d loss / d (summed log-probs) through the policy's graph: the
    /// parameters' gradients become d loss / d parameter, with the loss maths in one place.
    static func backpropagate(_ result: DPOLossResult, through logprobs: PairLogProbs) {
        let upstream = (result.gradientPolicyChosen + result.gradientPolicyRejected).map { Float($0) }  // [2B]
        Variable.concatenate([logprobs.chosen, logprobs.rejected], axis: 0)                             // [2B]
            .backward(gradient: Tensor(upstream))
    }

    static func checkShapes(_ logprobs: PairLogProbs, count: Int) throws(TrainingError) {
        guard logprobs.chosen.shape == [count], logprobs.rejected.shape == [count],
              logprobs.chosenTokenCounts.count == count, logprobs.rejectedTokenCounts.count == count else {
            throw .policy("log-probs of shapes \(logprobs.chosen.shape) and \(logprobs.rejected.shape) "
                          + "for a batch of \(count) pairs")
        }
    }

    /// The first non-finite policy log-prob of the batch, described, or nil.
    static func nonFinite(_ batch: DPOBatch, pairs: [PreferencePair]) -> String? {
        for (i, pair) in pairs.enumerated() {
            for (side, value) in [("chosen", batch.policyChosen[i]), ("rejected", batch.policyRejected[i])]
            where !value.isFinite {
                return "the policy's log-prob of the \(side) completion of pair \(pair.id) (prompt \(pair.promptID)) is \(describe(value))"
            }
        }
        return nil
    }

    /// "NaN" whatever its sign bit (Swift prints "-nan" for some), else the value.
    static func describe(_ value: Double) -> String {
        value.isNaN ? "NaN" : "\(value)"
    }
}
