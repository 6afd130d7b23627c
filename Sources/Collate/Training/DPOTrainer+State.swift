import Foundation
import TensorCore

/// The run row, the reference log-probs and the checkpoints of a DPO run.
extension DPOTrainer {
    /// What the run row's `config` records: the settings and what the result depends on.
    struct RunSettings: Codable {
        var configuration: DPOTrainingConfiguration
        var pairCount: Int
        var totalSteps: Int
        /// Thread count of the kernels: sums are split per thread, so bitwise resumes need
        /// the same count.
        var threads: Int
    }

    /// The run to continue for (iteration, provider), reopened with the current settings, or
    /// a new one. A finished run is returned as it is.
    func openRun(totalSteps: Int) throws -> RunRecord {
        let settings = RunSettings(configuration: configuration, pairCount: pairs.count, totalSteps: totalSteps,
                                   threads: Parallelism.defaultThreads)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let config = String(decoding: try encoder.encode(settings), as: UTF8.self)
        if let latest = try store.latestRun(kind: Self.runKind, iteration: iteration, provider: provider),
           let id = latest.id {
            if latest.status == .finished { return latest }
            try store.reopenRun(id: id, config: config)
            return try store.run(id: id) ?? latest
        }
        return try store.startRun(RunRecord(kind: Self.runKind, iteration: iteration, provider: provider, config: config))
    }

    /// The stored reference log-probs of every pair, computing (with the policy as given, in
    /// evaluation mode) and storing those that are missing, a batch per transaction.
    func referenceLogprobs(runID: Int64, onEvent: (TrainingEvent) -> TrainingControl) throws
        -> [Int64: ReferenceLogprobRecord] {
        let stored = try store.referenceLogprobs(iteration: iteration, provider: provider)
        let missing = pairs.filter { stored[$0.id] == nil }
        if !missing.isEmpty, try store.latestCheckpoint(runID: runID) != nil {
            throw TrainingError.referenceAfterTrainingStarted(pairIDs: missing.map(\.id))
        }
        let (complete, computed) = try ReferenceLogprobComputation.completeMissing(
            store: store, policy: policy, pairs: pairs, iteration: iteration, provider: provider,
            batchSize: configuration.batchSize)
        _ = onEvent(.referenceReady(computed: computed, stored: pairs.count - computed))
        return complete
    }

    /// `checkpoints/dpo-run-<id>/step-<n>.ckpt` under the session folder.
    func checkpointPath(runID: Int64, step: Int) -> String {
        "checkpoints/dpo-run-\(runID)/step-\(String(format: "%06d", step)).ckpt"
    }

    /// Removes checkpoint files a killed process left half-written (`.step-*.ckpt.<pid>.tmp`):
    /// they were never renamed into place, so nothing refers to them.
    func removeStaleTemporaryCheckpoints(runID: Int64) {
        let directory = sessionFolder.appendingPathComponent(checkpointPath(runID: runID, step: 0))
            .deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Writes the state after `state.step` steps (temp file, flush, rename), then records it.
    func saveCheckpoint(runID: Int64, state: RunState, optimizer: AdamW) throws -> String {
        let path = checkpointPath(runID: runID, step: state.step)
        var values: [String: Tensor] = [:]
        for (name, variable) in namedParameters { values[name] = variable.value }
        let checkpoint = TrainingCheckpoint(
            step: state.step, position: state.position, random: state.random.state,
            pairsDigest: DataOrder.digest(pairIDs: pairs.map(\.id)), parameters: values, optimizer: optimizer.state)
        try CheckpointFile.write(checkpoint, to: sessionFolder.appendingPathComponent(path))
        try store.recordCheckpoint(CheckpointRecord(runId: runID, step: state.step, path: path))
        return path
    }

    /// Loads a recorded checkpoint into the policy's parameters and the optimiser.
    func restore(_ record: CheckpointRecord, parameters: [(name: String, variable: Variable)],
                 optimizer: AdamW) throws -> RunState {
        let url = sessionFolder.appendingPathComponent(record.path)
        let checkpoint = try CheckpointFile.read(url)
        func mismatch(_ reason: String) -> TrainingError { .mismatchedCheckpoint(path: url.path, reason: reason) }
        guard checkpoint.step == record.step else {
            throw mismatch("it holds step \(checkpoint.step), the store says step \(record.step)")
        }
        guard checkpoint.pairsDigest == DataOrder.digest(pairIDs: pairs.map(\.id)) else {
            throw mismatch("it was written for other preference pairs (labels changed since?)")
        }
        guard checkpoint.position.index < pairs.count else {
            throw mismatch("its data position \(checkpoint.position.index) is past the \(pairs.count) pairs")
        }
        let names = Set(parameters.map(\.name))
        guard Set(checkpoint.parameters.keys) == names else {
            let missing = names.subtracting(checkpoint.parameters.keys).sorted()
            let extra = Set(checkpoint.parameters.keys).subtracting(names).sorted()
            throw mismatch("parameters differ (missing: \(missing), unexpected: \(extra))")
        }
        for (name, variable) in parameters {
            guard let value = checkpoint.parameters[name], value.shape == variable.shape else {
                throw mismatch("\(name) has shape \(checkpoint.parameters[name]?.shape ?? []), the model \(variable.shape)")
            }
            variable.value = value
        }
        do {
            try optimizer.restore(checkpoint.optimizer)
        } catch {
            throw mismatch("\(error)")
        }
        return RunState(step: checkpoint.step, position: checkpoint.position,
                        random: SeededRandom(state: checkpoint.random))
    }
}
