import Collate
import Foundation
import LLM

/// The workbench over a real session: reads its store, writes human labels to it at once
/// (each one SQLite transaction, so there is nothing to save), renders prompts with the
/// manifest's templates, and hands jobs to a `SessionJobRunner`.
///
/// Everything shown is of one round (the store's iteration of its rationales, scores and
/// labels): the latest with any, or the next one once every provider has its adapter for it
/// (`roundAfterTraining`); labels are written to it. A finished training moves it on.
public final class SessionBackend: WorkbenchBackend {
    public let session: Session
    public private(set) var iteration: Int
    let jobs: any SessionJobRunner
    /// What this window knows of the store's labels, so that it sees other writers' labels
    /// and never writes over one it has not seen (compare-and-set on the latest human row).
    private var labelWatermark: Int64 = -1
    /// Per prompt: the latest human row this window has shown, and the one it wrote last.
    private var seenHumanRow: [Int64: Int64] = [:]
    private var ownHumanRow: [Int64: Int64] = [:]
    /// The stage tables' rows this window has shown (rationales, scores, predictions, evals).
    private var stageRows = StageRowWatermark.none

    /// `jobs` runs generate/score/train/eval; the default says what is missing instead.
    public init(session: Session, jobs: (any SessionJobRunner)? = nil) throws {
        self.session = session
        self.iteration = max(try session.store.latestIteration() ?? 1, Self.roundAfterTraining(session))
        self.jobs = jobs ?? UnavailableJobRunner()
    }

    /// One past the latest iteration for which every provider has an adapter (1 with none):
    /// the round whose rationales those adapters write.
    static func roundAfterTraining(_ session: Session) -> Int {
        let providers = 1...max(1, session.manifest.effectiveProviderCount)
        var iteration = ProviderModels.latestAdapterIteration(session) ?? 0
        while iteration > 0, !providers.allSatisfy({ ProviderAdapters.exists(session.location, iteration: iteration, provider: $0) }) {
            iteration -= 1
        }
        return iteration + 1
    }

    public func advanceAfterTraining() throws -> Int? {
        let next = Self.roundAfterTraining(session)
        guard next > iteration else { return nil }
        iteration = next
        // The labels this window knew are of the round it left.
        labelWatermark = -1
        seenHumanRow = [:]
        ownHumanRow = [:]
        return next
    }

    var store: SessionStore { session.store }

    /// A column per rationale written for a prompt, named as the paper names providers:
    /// RP1...RPS, then each provider's further rationales as RP1/2, RP2/2, ... (the second of
    /// RP1, of RP2; `SessionManifest.candidateName`).
    public var providerNames: [String] {
        let manifest = session.manifest
        return (1...max(1, manifest.candidateCount)).map(manifest.candidateName)
    }

    public func loadSession() throws -> SessionSnapshot {
        // Read first: a row stored while the rest is read is shown again by the next refresh.
        stageRows = try store.stageRowWatermark()
        let records = try store.prompts()
        let generations = Dictionary(grouping: try store.generations(iteration: iteration), by: \.promptId)
        let scores = Dictionary(grouping: try store.scores(iteration: iteration), by: \.promptId)
        let labels = try store.labelSnapshot(iteration: iteration)
        remember(labels)
        let predictions = Dictionary(grouping: try store.predictions(iteration: iteration), by: \.promptId)
        var prompts: [PromptItem] = []
        prompts.reserveCapacity(records.count)
        for record in records {
            guard let id = record.id else { continue }
            prompts.append(try Self.item(record, generations: generations[id] ?? [], scores: scores[id] ?? [],
                                         predictions: predictions[id] ?? [], auto: labels.auto[id], human: labels.human[id]))
        }
        // The loop labels the train split: it comes first, then validation, then test.
        let order: [PromptSplit: Int] = [.train: 0, .validation: 1, .test: 2]
        prompts = prompts.enumerated()
            .sorted { (order[$0.element.split] ?? 3, $0.offset) < (order[$1.element.split] ?? 3, $1.offset) }
            .map(\.element)
        return SessionSnapshot(name: session.location.name, providers: providerNames, iteration: iteration,
                               prompts: prompts, evalRows: try storedEvalRows())
    }

    /// One prompt as the store holds it now in `iteration` (a job's report of what it just
    /// stored: cheap, unlike a whole reload).
    public static func promptItem(id: Int64, iteration: Int, store: SessionStore) throws -> PromptItem? {
        guard let record = try store.prompt(id: id) else { return nil }
        return try item(record, generations: try store.generations(promptID: id, iteration: iteration),
                        scores: try store.scores(promptID: id, iteration: iteration),
                        predictions: try store.predictions(promptID: id, iteration: iteration),
                        auto: try store.autoLabel(promptID: id, iteration: iteration),
                        human: try store.humanLabel(promptID: id, iteration: iteration))
    }

    /// What the screens show of a prompt, from its rows of one iteration.
    static func item(_ record: PromptRecord, generations: [GenerationRecord], scores: [ScoreRecord],
                     predictions: [PredictionRecord], auto: LabelRecord?, human: LabelRecord?) throws -> PromptItem {
        let answers = try generations.map { generation in
            let score = scores.first { $0.provider == generation.provider }
            // M_IFT's answer given this rationale, stored by the score stage.
            let prediction = predictions.first { $0.provider == generation.provider }
            return ProviderAnswer(provider: generation.provider, rationale: generation.text,
                                  predictedAnswer: prediction?.text, correct: prediction?.correct,
                                  score: score?.score, answerLogProbs: try score?.decodedTokenLogprobs() ?? [])
        }
        return PromptItem(
            id: record.id ?? -1, split: PromptSplit(record.split), instruction: record.instruction,
            goldAnswer: record.goldAnswer,
            baselineScore: scores.first { $0.provider == ScoreRecord.baselineProvider }?.score,
            answers: answers, autoLabel: auto.flatMap(PairLabel.init), humanLabel: human.flatMap(PairLabel.init))
    }

    /// The scorer's tokenizer and EOS id, read once on the first inspection.
    private var answerTokenizer: (tokenizer: Tokenizer, eos: Int?)?

    public func answerTokens(promptID: Int64) throws -> [String] {
        guard let prompt = try store.prompt(id: promptID) else { throw StoreError.unknownPrompt(promptID) }
        if answerTokenizer == nil {
            let model = try ModelDirectory(url: session.miftDirectory)
            answerTokenizer = (model.tokenizer, model.config.eosTokenIDs.first)
        }
        guard let (tokenizer, eos) = answerTokenizer else { return [] }
        // As `LlamaModel.completionTokenIDs` scores it: encode(answer) + [eos].
        let ids = tokenizer.encode(prompt.goldAnswer) + (eos.map { [$0] } ?? [])
        return ids.map { tokenizer.decode([$0]) }
    }

    public func trainingHistory() throws -> TrainingCharts {
        let providers = 1...max(1, session.manifest.effectiveProviderCount)
        for round in stride(from: iteration, through: 1, by: -1) {
            var charts = TrainingCharts()
            for provider in providers {
                guard let run = try store.latestRun(kind: DPOTrainer.runKind, iteration: round, provider: provider),
                      let runID = run.id else { continue }
                for metric in try store.metrics(runID: runID) {
                    for (name, value) in StepWatcher.metrics(metric) {
                        charts.append(name, provider: provider, step: metric.step, value: value)
                    }
                }
            }
            if !charts.isEmpty { return charts }
        }
        return TrainingCharts()
    }

    /// The test accuracy of every round evaluated so far, as `collate status` shows it.
    func storedEvalRows() throws -> [EvalRow] {
        let providers = max(1, session.manifest.effectiveProviderCount)
        let rounds = max(session.manifest.iterations, iteration)
        // Only the evaluation rows (LoopSummary.rows would also read every round's labels).
        return try (0...rounds).compactMap { round -> EvalRow? in
            let records = try store.evaluation(iteration: round + 1)
            guard !records.isEmpty else { return nil }
            func fraction(_ method: EvaluationRecord.Method, provider: Int? = nil) -> Double? {
                records.first { $0.method == method && (provider == nil || $0.provider == provider) }
                    .map { $0.total == 0 ? 0 : Double($0.correct) / Double($0.total) }  // as LoopRow.Accuracy
            }
            return EvalRow(iteration: round, direct: fraction(.direct),
                           providers: (1...providers).map { fraction(.provider, provider: $0) },
                           selected: fraction(.selected), oracle: fraction(.oracle))
        }
    }

    public func renderedPrompts(promptID: Int64, provider: Int) throws -> [RenderedPrompt] {
        guard let prompt = try store.prompt(id: promptID) else { throw StoreError.unknownPrompt(promptID) }
        let rationale = try store.generation(promptID: promptID, iteration: iteration, provider: provider)?.text ?? ""
        let templates = session.manifest.templates
        return [
            RenderedPrompt(mode: "I -> A", text: templates.render(.answer, instruction: prompt.instruction)),
            RenderedPrompt(mode: "I -> R", text: templates.render(.rationale, instruction: prompt.instruction)),
            RenderedPrompt(mode: "[I;R] -> A", text: templates.render(
                .answerWithRationale, instruction: prompt.instruction, rationale: rationale)),
        ]
    }

    public func labelsChangedElsewhere() throws -> [Int64: PromptLabels]? {
        guard try store.labelWatermark() != labelWatermark else { return nil }
        let labels = try store.labelSnapshot(iteration: iteration)
        remember(labels)
        var result: [Int64: PromptLabels] = [:]
        for id in Set(labels.auto.keys).union(labels.human.keys) {
            result[id] = PromptLabels(auto: labels.auto[id].flatMap(PairLabel.init),
                                      human: labels.human[id].flatMap(PairLabel.init))
        }
        return result
    }

    public func storedRowsChangedElsewhere() throws -> StoredRowsRefresh? {
        guard let changes = try store.stageRowChanges(iteration: iteration, since: stageRows) else { return nil }
        stageRows = changes.watermark
        let prompts = try changes.promptIDs.compactMap { try Self.promptItem(id: $0, iteration: iteration, store: store) }
        let evalRows = changes.evaluations ? try storedEvalRows() : nil
        guard !prompts.isEmpty || evalRows != nil else { return nil }
        return StoredRowsRefresh(prompts: prompts, evalRows: evalRows)
    }

    private func remember(_ labels: LabelSnapshot) {
        labelWatermark = labels.watermark
        seenHumanRow = labels.latestHumanRow
    }

    /// A new label expects the latest human row this window has shown; an undo or redo
    /// expects the row this window wrote last, so it never undoes another writer's label.
    public func writeHumanLabel(promptID: Int64, label: PairLabel?, kind: LabelWriteKind) throws {
        if labelWatermark < 0 { remember(try store.labelSnapshot(iteration: iteration)) }
        let expected = kind == .new ? seenHumanRow[promptID] : (ownHumanRow[promptID] ?? seenHumanRow[promptID])
        do {
            if let written = try write(promptID: promptID, label: label, expecting: .latestHumanRow(expected)) {
                seenHumanRow[promptID] = written
                ownHumanRow[promptID] = written
            }
        } catch StoreError.labelChanged(_, let current) {
            throw LabelConflict(promptID: promptID, current: current.flatMap(PairLabel.init))
        }
    }

    /// Writes (or with nil, withdraws) the human label; returns the latest human row after it.
    private func write(promptID: Int64, label: PairLabel?, expecting: HumanLabelExpectation) throws -> Int64? {
        let when = label?.time ?? Date()
        guard let label else {
            let withdrawal = try store.withdrawHumanLabel(promptID: promptID, iteration: iteration,
                                                          expecting: expecting, at: when)
            // Nothing in force to withdraw: the latest row is still the one expected.
            guard let withdrawal else {
                if case .latestHumanRow(let row) = expecting { return row }
                return nil
            }
            return withdrawal.id
        }
        if label.action == .filtered {
            // Agreeing that the filter was right: only meaningful for the auto pair as it stands.
            let auto = try store.autoLabel(promptID: promptID, iteration: iteration)
            guard let auto, auto.action == .filtered, auto.chosenProvider == label.chosenProvider,
                  auto.rejectedProvider == label.rejectedProvider else {
                throw StoreError.invalidLabel("prompt \(promptID) has no filtered auto pair like this one to accept")
            }
        }
        return try store.writeHumanLabel(
            promptID: promptID, iteration: iteration, request: try Self.request(for: label), note: label.note,
            providerCount: session.manifest.candidateCount, expecting: expecting, at: when).label.id
    }

    /// The store's request for a workbench label.
    static func request(for label: PairLabel) throws -> HumanLabelRequest {
        switch label.action {
        case .dropped: return .drop
        case .keptFiltered: return .keepFiltered
        case .filtered: return .acceptAuto
        case .chosen:
            if let text = label.chosenRationale { return .rationale(text, rejected: label.rejectedProvider) }
            guard let chosen = label.chosenProvider, let rejected = label.rejectedProvider else {
                throw StoreError.invalidLabel("a chosen label needs both a chosen and a rejected provider")
            }
            return .pair(chosen: chosen, rejected: rejected)
        }
    }

    public func control(_ command: JobCommand, report: @escaping @Sendable (JobEvent) -> Void) throws {
        try jobs.control(command, session: session, iteration: iteration, report: report)
    }
}

extension PromptSplit {
    init(_ split: DataSplit) {
        switch split {
        case .train: self = .train
        case .validation: self = .validation
        case .test: self = .test
        }
    }
}

extension PairLabel {
    /// The workbench's view of a stored label; nil for a withdrawal (which is never in force).
    init?(_ record: LabelRecord) {
        let action: PairAction
        switch record.action {
        case .chosen: action = .chosen
        case .filtered: action = .filtered
        case .dropped: action = .dropped
        case .keptFiltered: action = .keptFiltered
        case .withdrawn: return nil
        }
        self.init(action: action, chosenProvider: record.chosenProvider, rejectedProvider: record.rejectedProvider,
                  chosenRationale: record.chosenRationale, note: record.note, time: record.createdAt)
    }
}
