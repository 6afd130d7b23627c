/// Who made a label.
public enum LabelSource: String, Sendable, Codable, CaseIterable {
    case auto
    case human
}

/// What a label says about a prompt's pair in one iteration.
public enum LabelAction: String, Sendable, Codable, CaseIterable {
    /// Train on this pair (chosen rationale over rejected rationale).
    case chosen
    /// Auto only: the pair failed the filter, so it is not trained on (kept for the record and
    /// so that a person can keep it anyway).
    case filtered
    /// Human: do not train on this prompt.
    case dropped
    /// Human: train on the auto pair although the filter dropped it.
    case keptFiltered = "kept-filtered"
    /// Human: the person's previous label no longer holds (undone); the auto label is in force
    /// again. Never an effective label itself.
    case withdrawn

    /// Whether DPO trains on a prompt whose effective label has this action.
    public var trains: Bool { self == .chosen || self == .keptFiltered }
}

/// The content of a label, without provenance: enough to compare two decisions.
/// A hand-written rationale, when there is one, is the chosen side (chosenProvider nil).
public struct LabelDecision: Sendable, Equatable {
    public var action: LabelAction
    public var chosenProvider: Int?
    public var rejectedProvider: Int?
    public var chosenRationale: String?

    public init(action: LabelAction, chosenProvider: Int? = nil, rejectedProvider: Int? = nil,
                chosenRationale: String? = nil) {
        self.action = action
        self.chosenProvider = chosenProvider
        self.rejectedProvider = rejectedProvider
        self.chosenRationale = chosenRationale
    }
}

/// Agreement between auto and human labels (COLLATE.md section 7): over the prompts that have
/// both an auto label and a human decision, the fraction where the human kept the auto pair as
/// it was: same chosen provider, same rejected provider, no hand-written rationale, and the same
/// decision about training on it. Section 7 lists dropping a pair and keeping a filtered pair
/// as overrides, so both count as disagreement; accepting a filtered pair as filtered agrees.
public struct LabelAgreement: Sendable, Equatable {
    public let agreed: Int
    public let compared: Int

    /// nil when no prompt has both kinds of label.
    public var fraction: Double? { compared == 0 ? nil : Double(agreed) / Double(compared) }

    public init(agreed: Int, compared: Int) {
        self.agreed = agreed
        self.compared = compared
    }

    public init(_ decisions: [(auto: LabelDecision, human: LabelDecision)]) {
        compared = decisions.count
        agreed = decisions.filter { Self.humanKeptAutoPair(auto: $0.auto, human: $0.human) }.count
    }

    /// The one definition (the workbench's `Agreement` asks it too). A drop is an override
    /// even over a filtered auto pair, whose training decision it shares: otherwise dropping
    /// a filtered pair would read as agreement here and as disagreement on screen.
    public static func humanKeptAutoPair(auto: LabelDecision, human: LabelDecision) -> Bool {
        human.action.trains == auto.action.trains
            && human.action != .dropped
            && human.chosenRationale == nil
            && human.chosenProvider != nil
            && human.chosenProvider == auto.chosenProvider
            && human.rejectedProvider == auto.rejectedProvider
    }
}
