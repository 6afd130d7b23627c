import Collate
import Foundation

/// One train job of the workbench: `TrainStage` for each provider of the plan in turn, its
/// events turned into the Train screen's: TRL's metrics per step (x is the job's step count,
/// so several providers make one line), progress with tokens/s and the total for the ETA,
/// and log lines. Runs on the runner's job thread.
struct TrainJob {
    /// The work left: `providers` still to train (the first may be part-way), `steps` each.
    struct Plan: Sendable, Equatable {
        var iteration: Int
        var steps: Int?
        var providers: [Int]
        /// Steps done by this job so far (across providers and pauses): the charts' x.
        var stepsDone = 0
        /// Providers that had pairs to train on.
        var trainedProviders = 0
        /// Providers that had none (they keep their adapter once another one trained).
        var withoutPairs: [Int] = []
    }

    /// How a job ended.
    enum Ending: Sendable, Equatable {
        case finished(message: String)
        case paused(Plan)
        case stopped(message: String)
        case failed(String)

        func events(_ kind: JobKind) -> [JobEvent] {
            switch self {
            case .finished(let message): return [.log(message), .finished(kind)]
            case .paused: return [.log("\(kind.rawValue) paused: p resumes from the checkpoint"), .paused(kind)]
            case .stopped(let message): return [.log(message), .stopped(kind)]
            case .failed(let message): return [.log("\(kind.rawValue) failed: \(message)"), .failed(kind, message: message)]
            }
        }
    }

    let session: Session
    /// The runner's workspace (the base loaded once for every job); nil: one for this job.
    let workspace: SessionWorkspace?
    var plan: Plan
    let report: @Sendable (JobEvent) -> Void
    let request: @Sendable () -> ModelJobRunner.Request?

    init(session: Session, workspace: SessionWorkspace? = nil, plan: Plan,
         report: @escaping @Sendable (JobEvent) -> Void,
         request: @escaping @Sendable () -> ModelJobRunner.Request?) {
        self.session = session
        self.workspace = workspace
        self.plan = plan
        self.report = report
        self.request = request
    }

    /// Steps per provider for the ETA: the plan's, else the manifest's max_steps, else 0 until
    /// each run states its total (an epoch's length depends on the pairs).
    var stepsPerProvider: Int { plan.steps ?? DPOTrainingConfiguration(manifest: session.manifest).maxSteps ?? 0 }

    mutating func run(resuming: Bool) -> TrainJob.Ending {
        guard session.hasMIFTModel else {
            return .failed(UnavailableJobRunner.reason(.train, session: session))
        }
        if !resuming {
            // A second t after a round's training lands here, in the next round: say what comes first.
            do {
                // (Validation and test rationales, e's, are never trained on.)
                let withRationales = try session.store.promptIDsWithGenerations(iteration: plan.iteration)
                let train = try session.store.trainPromptIDs()
                if !train.contains(where: withRationales.contains) {
                    return .failed("round \(plan.iteration) has no rationales yet: g writes them with round "
                                   + "\(plan.iteration - 1)'s adapters, s scores them, then t trains on their pairs")
                }
            } catch {
                return .failed("\(error)")
            }
            report(.started(.train, total: stepsPerProvider * plan.providers.count))
        }
        let workspace: SessionWorkspace
        do { workspace = try self.workspace ?? SessionWorkspace(session) } catch { return .failed("\(error)") }
        let round = SessionWorkspace.RoundTrainingPlan(iteration: plan.iteration, providers: plan.providers,
                                                       maxSteps: plan.steps, freshAdapterWhenMissing: true,
                                                       withoutPairs: plan.withoutPairs)
        var request: ModelJobRunner.Request?
        var current: Int?
        var watcher: StepWatcher?
        let trained: SessionWorkspace.RoundTrainingReport
        do {
            trained = try workspace.trainProviders(round, shouldStart: { provider in
                request = self.request()
                guard request == nil else { return false }
                current = provider
                watcher = StepWatcher(job: self, provider: provider)
                if (try? workspace.hasAdapter(AdapterID(iteration: plan.iteration - 1, provider: provider))) != true {
                    report(.log("provider \(provider): no adapter from round \(plan.iteration - 1); "
                                + "the run starts from a fresh LoRA adapter (B = 0) unless it resumes"))
                }
                return true
            }, onEvent: { _, event in
                watcher?.observe(event) ?? .proceed
            }, onResult: { provider, result in
                plan.stepsDone = watcher?.stepsDone ?? plan.stepsDone
                switch result {
                case .noPairs:
                    report(.log("provider \(provider): no preference pairs in round \(plan.iteration)"))
                    plan.withoutPairs.append(provider)
                case .trained(.finished(_, let steps), let pairs, let adapter):
                    plan.trainedProviders += 1
                    report(.log("provider \(provider): \(steps) steps on \(pairs) pairs done"
                                + (adapter.map { ", adapter saved to \(UnavailableJobRunner.displayPath($0))" } ?? "")))
                case .trained, .alreadySaved:
                    return
                }
                plan.providers.removeFirst()
            })
        } catch {
            return .failed("provider \(current.map(String.init) ?? "?"): \(error)")
        }
        if let (provider, outcome) = trained.unfinished {
            switch outcome {
            case .stopped(_, let step):
                if self.request() == .pause { return .paused(plan) }
                return .stopped(message: "train stopped after step \(step) of provider \(provider); "
                                + "t resumes from the checkpoint")
            case .failed(_, _, let message):
                return .failed("provider \(provider): \(message)")
            case .finished:
                break
            }
        }
        if let first = trained.remaining.first {
            if request == .pause { return .paused(plan) }
            return .stopped(message: "train stopped before provider \(first)")
        }
        // The round's no-pairs policy kept these providers' adapters as this round's.
        for provider in trained.kept.keys.sorted() {
            report(.log("provider \(provider): adapter of round \(plan.iteration - 1) kept unchanged as "
                        + "round \(plan.iteration)'s"))
        }
        guard plan.trainedProviders > 0 else {
            return .failed("no preference pairs to train on in round \(plan.iteration) yet: label prompts "
                           + "(a digit chooses, r and a digit rejects) or score them for auto labels")
        }
        return .finished(message: "train finished: \(plan.stepsDone) steps")
    }
}

/// Turns one provider's `TrainingEvent`s into job events, and answers the trainer's callback
/// with the UI's pause/stop request.
struct StepWatcher {
    let job: TrainJob
    let provider: Int
    private(set) var stepsDone: Int
    /// Steps the job expects in all, updated when a run states its own total.
    private var plannedTotal: Int
    private var runTotal = 0
    /// Estimated completion tokens per step (pairs' stored token counts times the batch size).
    private var tokensPerStep: Double?
    private var timedFrom: Date?
    private var timedSteps = 0

    init(job: TrainJob, provider: Int) {
        self.job = job
        self.provider = provider
        stepsDone = job.plan.stepsDone
        plannedTotal = job.plan.stepsDone + job.stepsPerProvider * job.plan.providers.count
    }

    mutating func observe(_ event: TrainingEvent) -> TrainingControl {
        let report = job.report
        switch event {
        case .started(let runID, let from, let total):
            runTotal = total
            plannedTotal = stepsDone + (total - from) + job.stepsPerProvider * (job.plan.providers.count - 1)
            report(.log("provider \(provider): run \(runID) " + (from == 0 ? "started" : "resumed at step \(from)")
                        + ", \(total) steps"))
            report(.trainRunStarted(provider: provider, fromStep: from))
            report(.progress(.train, done: stepsDone, total: plannedTotal, tokensPerSecond: nil))
        case .referenceReady(let computed, let stored):
            report(.log("provider \(provider): reference log-probs computed for \(computed) pairs (\(stored) stored)"))
            tokensPerStep = estimatedTokensPerStep()
            timedFrom = Date()
        case .step(let metric):
            stepsDone += 1
            timedSteps += 1
            for (name, value) in Self.metrics(metric) {
                report(.metric(step: metric.step, name: name, value: value, provider: provider))
            }
            var rate: Double?
            if let tokensPerStep, let timedFrom {
                let elapsed = Date().timeIntervalSince(timedFrom)
                if elapsed > 0 { rate = tokensPerStep * Double(timedSteps) / elapsed }
            }
            report(.progress(.train, done: stepsDone, total: max(plannedTotal, stepsDone), tokensPerSecond: rate))
            func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "-" }
            report(.log("provider \(provider): step \(metric.step)/\(runTotal) loss \(f(metric.loss)) "
                        + "margins \(f(metric.rewardsMargins)) accuracies \(f(metric.rewardsAccuracies))"
                        + (metric.nllLoss.map { " nll \(f($0))" } ?? "")))
        case .checkpoint(let step, let path):
            report(.log("provider \(provider): checkpoint at step \(step): \(path)"))
        case .stopped(let step):
            report(.log("provider \(provider): stopped after step \(step), checkpointed"))
        case .finished, .failed:
            break
        }
        return job.request() == nil ? .proceed : .stop
    }

    /// TRL's names of the metrics the Train screen charts.
    static func metrics(_ metric: MetricRecord) -> [(String, Double)] {
        [("loss", metric.loss), ("rewards/margins", metric.rewardsMargins),
         ("rewards/accuracies", metric.rewardsAccuracies), ("rewards/chosen", metric.rewardsChosen),
         ("rewards/rejected", metric.rewardsRejected), ("nll_loss", metric.nllLoss)]
            .compactMap { name, value in value.map { (name, $0) } }
    }

    /// The mean completion tokens (chosen + rejected) of the provider's pairs, times the
    /// batch size: what one step reads besides the prompts.
    func estimatedTokensPerStep() -> Double? {
        guard let records = try? job.session.store.referenceLogprobs(iteration: job.plan.iteration, provider: provider),
              !records.isEmpty else { return nil }
        let tokens = records.values.reduce(0) { $0 + $1.chosenTokens + $1.rejectedTokens }
        let batch = DPOTrainingConfiguration(manifest: job.session.manifest).batchSize
        return Double(tokens) / Double(records.count) * Double(min(batch, records.count))
    }
}
