import Foundation  // Date

/// The data the workbench shows, shaped like COLLATE's (COLLATE.md sections 3 and 7) and
/// like the session store's records, so an adapter is a field-by-field copy.

/// Which part of the data a prompt belongs to.
public enum PromptSplit: String, Hashable, Sendable, CaseIterable {
    case train, validation, test
}

/// What a label says about a prompt's pair (same cases as the store's label actions).
public enum PairAction: String, Hashable, Sendable {
    /// Train on chosen over rejected.
    case chosen
    /// Auto only: the filter (l_chosen > l_0 and l_chosen > l_rejected) dropped the pair.
    case filtered
    /// Human: do not train on this prompt.
    case dropped
    /// Human: train on the auto pair although the filter dropped it.
    case keptFiltered = "kept-filtered"

    /// Whether DPO trains on a prompt whose effective label has this action.
    public var trains: Bool { self == .chosen || self == .keptFiltered }
}

/// One label, auto or human. Providers are numbered 1...S as in the store; a hand-written
/// rationale is the chosen side when `chosenRationale` is set (then `chosenProvider` is nil).
public struct PairLabel: Hashable, Sendable {
    public var action: PairAction
    public var chosenProvider: Int?
    public var rejectedProvider: Int?
    public var chosenRationale: String?
    public var note: String?
    public var time: Date?

    public init(action: PairAction, chosenProvider: Int? = nil, rejectedProvider: Int? = nil,
                chosenRationale: String? = nil, note: String? = nil, time: Date? = nil) {
        self.action = action
        self.chosenProvider = chosenProvider
        self.rejectedProvider = rejectedProvider
        self.chosenRationale = chosenRationale
        self.note = note
        self.time = time
    }

    /// The same decision, ignoring note and time.
    public func sameDecision(as other: PairLabel) -> Bool {
        action == other.action && chosenProvider == other.chosenProvider
            && rejectedProvider == other.rejectedProvider && chosenRationale == other.chosenRationale
    }
}

/// One provider's rationale for a prompt and how useful it was.
public struct ProviderAnswer: Hashable, Sendable {
    /// 1...S.
    public var provider: Int
    public var rationale: String
    /// The answer M_IFT gives in [I;R] -> A mode, and whether it matches the gold answer.
    public var predictedAnswer: String?
    public var correct: Bool?
    /// l_s = exp(mean_t log p(A_t | P_IRA(I, R_s), A_<t)); nil before scoring.
    public var score: Double?
    /// log p(A_t | ...) for each gold answer token (the inspector's heatmap).
    public var answerLogProbs: [Float]

    public init(provider: Int, rationale: String, predictedAnswer: String? = nil, correct: Bool? = nil,
                score: Double? = nil, answerLogProbs: [Float] = []) {
        self.provider = provider
        self.rationale = rationale
        self.predictedAnswer = predictedAnswer
        self.correct = correct
        self.score = score
        self.answerLogProbs = answerLogProbs
    }
}

/// One task example with everything the loop produced for it in the current iteration.
public struct PromptItem: Hashable, Sendable, Identifiable {
    public var id: Int64
    public var split: PromptSplit
    public var instruction: String
    public var goldAnswer: String
    /// The gold answer's tokens as text, for the heatmap (may be empty: positions are shown).
    public var goldAnswerTokens: [String]
    /// l_0: the same score in I -> A mode, without a rationale.
    public var baselineScore: Double?
    /// In provider order 1...S (a provider that has not written yet is absent).
    public var answers: [ProviderAnswer]
    public var autoLabel: PairLabel?
    public var humanLabel: PairLabel?

    public init(id: Int64, split: PromptSplit, instruction: String, goldAnswer: String,
                goldAnswerTokens: [String] = [], baselineScore: Double? = nil, answers: [ProviderAnswer] = [],
                autoLabel: PairLabel? = nil, humanLabel: PairLabel? = nil) {
        self.id = id
        self.split = split
        self.instruction = instruction
        self.goldAnswer = goldAnswer
        self.goldAnswerTokens = goldAnswerTokens
        self.baselineScore = baselineScore
        self.answers = answers
        self.autoLabel = autoLabel
        self.humanLabel = humanLabel
    }

    /// The label DPO trains on: the human one if any, else the auto one.
    public var effectiveLabel: PairLabel? { humanLabel ?? autoLabel }

    public func answer(ofProvider provider: Int) -> ProviderAnswer? {
        answers.first { $0.provider == provider }
    }
}

/// Test accuracy after one round of training (COLLATE.md section 4; round 0: the providers stage), fractions in 0...1.
public struct EvalRow: Hashable, Sendable {
    /// The round (the eval of store iteration round + 1, as `collate status` numbers it).
    public var iteration: Int
    /// I -> A directly.
    public var direct: Double?
    /// Each provider's rationale then [I;R] -> A, in provider order 1...S.
    public var providers: [Double?]
    /// The provider selected on the validation split.
    public var selected: Double?
    /// Best of S by correctness.
    public var oracle: Double?

    public init(iteration: Int, direct: Double?, providers: [Double?], selected: Double?, oracle: Double?) {
        self.iteration = iteration
        self.direct = direct
        self.providers = providers
        self.selected = selected
        self.oracle = oracle
    }
}

/// A prompt as one mode's template renders it (for the inspector).
public struct RenderedPrompt: Hashable, Sendable {
    /// "I -> A", "I -> R", "[I;R] -> A".
    public var mode: String
    public var text: String

    public init(mode: String, text: String) {
        self.mode = mode
        self.text = text
    }
}

/// Everything loaded when the workbench opens a session.
public struct SessionSnapshot: Hashable, Sendable {
    public var name: String
    /// Provider names, index 0 is provider 1.
    public var providers: [String]
    public var iteration: Int
    public var prompts: [PromptItem]
    public var evalRows: [EvalRow]

    public init(name: String, providers: [String], iteration: Int, prompts: [PromptItem], evalRows: [EvalRow] = []) {
        self.name = name
        self.providers = providers
        self.iteration = iteration
        self.prompts = prompts
        self.evalRows = evalRows
    }
}
