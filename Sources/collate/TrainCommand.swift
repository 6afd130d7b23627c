import ArgumentParser
import Collate
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "DPO on the effective labels: each provider on the pairs of its partition, or on all ([loop] provider_pairs).",
        discussion: """
            Base: mift/ when the MIFT stage wrote it, else the manifest's model. Each provider starts \
            from adapters/iteration-<I-1>/provider-<P>/ (its reference, whose log-probs are computed \
            once and stored) and is saved to adapters/iteration-<I>/provider-<P>/ (PEFT). Settings: \
            [dpo] and [seeds] training. Checkpoints every checkpoint_every steps; rerun after a kill \
            or a NaN stop to resume from the last one (same seed and COLLATE_THREADS: bitwise the \
            weights of an uninterrupted run).
            """)

    @OptionGroup var session: SessionOptions

    @Option(parsing: .unconditional, help: "Iteration (default: 1).")
    var iteration = 1

    @Option(parsing: .unconditional, help: "Train only this provider (default: every provider in turn).")
    var provider: Int?

    @Option(parsing: .unconditional, help: "Stop after this many optimiser steps (overrides [dpo] max_steps).")
    var steps: Int?

    @Flag(help: "Start from a fresh LoRA adapter (B = 0) when the provider has no adapter from the previous iteration.")
    var freshAdapter = false

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        let count = opened.manifest.effectiveProviderCount
        if let provider, !(1...count).contains(provider) {
            throw ValidationError("provider \(provider) is not in 1...\(count)")
        }
        guard iteration >= 1 else { throw ValidationError("iterations start at 1") }
        // No label at all is a stage skipped, not a round whose pairs the filter all dropped.
        let labels = try opened.store.labelsInForce(iteration: iteration)
        if labels.auto.isEmpty && labels.human.isEmpty {
            throw CommandFailure("no pairs in iteration \(iteration) yet: run the pairs stage first")
        }
        let workspace = try SessionWorkspace(opened)
        var progress = TrainProgress()
        let plan = SessionWorkspace.RoundTrainingPlan(iteration: iteration, providers: provider.map { [$0] } ?? Array(1...count),
                                                      maxSteps: steps, freshAdapterWhenMissing: freshAdapter)
        let report = try workspace.trainProviders(plan, shouldStart: { _ in
            progress = TrainProgress()
            return true
        }, onEvent: { provider, event in
            progress.observe(event)
            if let line = Self.line(event, provider: provider, progress: progress) { Self.emit(line) }
            return .proceed
        }, onResult: { provider, result in
            switch result {
            case .noPairs:
                Self.emit("provider \(provider): no pairs to train on in iteration \(iteration) (the filter or a person dropped every one)")
            case .trained(.failed(_, _, let message), _, _):
                FileHandle.standardError.write(Data("provider \(provider): \(message)\n".utf8))
            case .trained(.finished(_, let steps), let pairs, let adapter):
                Self.emit("provider \(provider): \(steps) steps on \(pairs) pairs done"
                          + (adapter.map { ", adapter saved to \($0.path)" } ?? ""))
            case .trained(.stopped(_, let step), _, _):
                Self.emit("provider \(provider): stopped after step \(step); run train again to resume")
            case .alreadySaved:
                break
            }
        })
        // The round's no-pairs policy (the loop's too): such a provider keeps its adapter as
        // this iteration's, so the next generate finds every provider's.
        for (provider, target) in report.kept.sorted(by: { $0.key < $1.key }) {
            Self.emit("provider \(provider): adapter of iteration \(iteration - 1) kept unchanged as "
                      + "iteration \(iteration)'s: \(target.path)")
        }
        if case .failed? = report.unfinished?.outcome { throw ExitCode.failure }
    }

    /// One line straight to the file descriptor: a reader of a pipe (a test, a log) sees each
    /// step as it happens, and nothing waits in a buffer when the process is killed.
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func line(_ event: TrainingEvent, provider: Int, progress: TrainProgress) -> String? {
        switch event {
        case .started(let run, let from, let total):
            return "provider \(provider): run \(run) " + (from == 0 ? "started" : "resumed at step \(from)") + ", \(total) steps"
        case .referenceReady(let computed, let stored):
            return "provider \(provider): reference log-probs computed for \(computed) pairs (\(stored) already stored)"
        case .step(let m):
            func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "-" }
            return "provider \(provider): step \(m.step)/\(progress.totalSteps) loss \(f(m.loss)) margins \(f(m.rewardsMargins)) "
                + "accuracies \(f(m.rewardsAccuracies)) " + (m.nllLoss.map { "nll \(f($0)) " } ?? "") + "grad_norm \(f(m.gradNorm)) "
                + "lr \(m.learningRate.map { String(format: "%.3g", $0) } ?? "-")" + progress.rateAndETA(after: m.step)
        case .checkpoint(let step, let path):
            return "provider \(provider): checkpoint at step \(step): \(path)"
        case .stopped, .finished, .failed:
            return nil
        }
    }
}

/// Steps per second since this process started or resumed the run, and the time left.
struct TrainProgress {
    private(set) var totalSteps = 0
    private var firstStep = 0
    private var started = Date()

    mutating func observe(_ event: TrainingEvent) {
        if case .started(_, let from, let total) = event {
            totalSteps = total
            firstStep = from
            started = Date()
        }
    }

    /// ", 2.10 steps/s, ETA 0:42" (empty before the first step is timed).
    func rateAndETA(after step: Int, now: Date = Date()) -> String {
        let done = step - firstStep, elapsed = now.timeIntervalSince(started)
        guard done > 0, elapsed > 0 else { return "" }
        let rate = Double(done) / elapsed
        let left = Int((Double(totalSteps - step) / rate).rounded())
        return String(format: ", %.2f steps/s, ETA %d:%02d", rate, left / 60, left % 60)
    }
}
