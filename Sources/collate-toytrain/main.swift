import ArgumentParser
import Collate
import CollateToyPolicy
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TensorCore

/// A test harness, not part of the product: trains the toy bigram policy through the real
/// `DPOTrainer`, with a real store and real checkpoint files, so that tests can kill it with a
/// signal mid-run, start it again and compare the final weights with an uninterrupted run.
struct ToyTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collate-toytrain",
        abstract: "TEST HARNESS: DPO on a tiny bigram policy, for the kill-and-resume tests.",
        discussion: """
            Not a user command. Creates (or reopens) state.sqlite in --folder with toy pairs, trains \
            the toy policy with the real DPO trainer (checkpoints under --folder/checkpoints), prints \
            one line per step, and when the run is finished writes the trained weights (Float32 \
            little-endian, parameters sorted by name) to --out. Run it again after a kill: it resumes.
            """)

    @Option(help: "Folder standing in for a session folder.") var folder: String
    @Option(help: "Number of toy pairs.") var pairs = 12
    @Option(help: "Optimiser steps.") var steps = 12
    @Option(help: "Pairs per step.") var batchSize = 3
    @Option(help: "Steps between checkpoints.") var checkpointEvery = 1
    @Option(help: "Training seed (data order, dropout).") var seed: UInt64 = 7
    @Option(help: "Dropout probability of the toy policy.") var dropout: Float = 0.1
    @Option(help: "Learning rate.") var learningRate = 0.05
    @Option(help: "Milliseconds to sleep after each step (gives a test time to signal).") var stepDelayMs = 0
    @Option(help: "Where to write the final weights.") var out: String

    func run() throws {
        let folder = URL(fileURLWithPath: self.folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SessionStore(url: folder.appendingPathComponent("state.sqlite"))
        let pairs = try ToyPreferenceData.pairs(in: store, count: self.pairs)
        // The iteration-start policy: the same seed every time, as a provider's adapter on disk.
        let policy = ToyPreferencePolicy(seed: 11, dropoutProbability: dropout)
        var configuration = DPOTrainingConfiguration(
            beta: 0.1, loss: .sigmoid, learningRate: learningRate, batchSize: batchSize, epochs: 1,
            maxSteps: steps, checkpointEvery: checkpointEvery, seed: seed)
        configuration.warmupRatio = 0.25
        let trainer = DPOTrainer(store: store, sessionFolder: folder, policy: policy, pairs: pairs,
                                 iteration: 1, provider: 1, configuration: configuration)
        let delay = stepDelayMs
        let outcome = try trainer.run { event in
            switch event {
            case .started(_, let from, let total): emit("started from step \(from) of \(total)")
            case .step(let metric): emit("step \(metric.step) loss \(metric.loss ?? .nan)")
            case .checkpoint(let step, _): emit("checkpoint \(step)")
            case .failed(_, let message): emit("failed: \(message)")
            case .finished(let steps): emit("finished \(steps)")
            case .stopped, .referenceReady: break
            }
            if delay > 0, case .checkpoint = event { usleep(UInt32(delay) * 1000) }
            return .proceed
        }
        guard case .finished = outcome else { throw ExitCode.failure }
        var bytes: [UInt8] = []
        for (_, variable) in policy.trainableParameters.sorted(by: { $0.key < $1.key }) {
            bytes += variable.value.littleEndianBytes(encoding: .float32)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: out))
        emit("wrote \(out)")
    }
}

/// One line, written straight to the file descriptor: a test reading the pipe sees it at
/// once, and nothing is lost in a stdio buffer when the process is killed.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

// A child inherits ignored and blocked signals: a test runner that ignores or blocks SIGTERM
// would make this process immune to it. The harness must die of the signals it is sent.
signal(SIGTERM, SIG_DFL)
var unblocked = sigset_t()
sigemptyset(&unblocked)
sigaddset(&unblocked, SIGTERM)
sigprocmask(SIG_UNBLOCK, &unblocked, nil)

ToyTrain.main()
