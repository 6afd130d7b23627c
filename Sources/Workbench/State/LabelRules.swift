import Collate

/// How a prompt's labels read on screen and how a key turns into a new human label.
public enum LabelStatus: Hashable, Sendable, CaseIterable {
    case unlabelled, auto, human, humanOnly, filtered, disagreement

    /// The prompt list's glyph.
    public var glyph: String {
        switch self {
        case .unlabelled: "·"
        case .auto: "○"
        case .human: "●"
        case .humanOnly: "◆"
        case .filtered: "⊘"
        case .disagreement: "≠"
        }
    }

    public var meaning: String {
        switch self {
        case .unlabelled: "unlabelled"
        case .auto: "auto label"
        case .human: "human label agrees"
        case .humanOnly: "human label (no auto label to agree with)"
        case .filtered: "not trained (filtered or dropped)"
        case .disagreement: "human overrode auto"
        }
    }

    /// Disagreement first (it is what an operator looks for), then whether the effective
    /// label trains, then who made it.
    public init(_ prompt: PromptItem) {
        if let human = prompt.humanLabel, let auto = prompt.autoLabel,
           !Agreement.humanKeptAutoPair(auto: auto, human: human) {
            self = .disagreement
        } else if let effective = prompt.effectiveLabel {
            if !effective.action.trains {
                self = .filtered
            } else if prompt.humanLabel == nil {
                self = .auto
            } else {
                self = prompt.autoLabel == nil ? .humanOnly : .human
            }
        } else {
            self = .unlabelled
        }
    }
}

/// Auto/human agreement (COLLATE.md section 7): over the prompts that have both an auto
/// label and a human decision, the fraction where the human kept the auto pair as it was:
/// same chosen provider, same rejected provider, no hand-written rationale, and the same
/// decision about training on it (Collate's `LabelAgreement` rule: dropping a pair and keeping
/// a filtered one are overrides, accepting a filtered pair as filtered agrees).
public struct Agreement: Hashable, Sendable {
    public var agreed: Int
    public var compared: Int

    public init(_ prompts: [PromptItem]) {
        let both = prompts.compactMap { prompt in prompt.autoLabel.flatMap { auto in prompt.humanLabel.map { (auto, $0) } } }
        compared = both.count
        agreed = both.filter { Self.humanKeptAutoPair(auto: $0.0, human: $0.1) }.count
    }

    /// nil when no prompt has both labels.
    public var fraction: Double? { compared == 0 ? nil : Double(agreed) / Double(compared) }

    /// Collate's `LabelAgreement.humanKeptAutoPair`: one rule for the screen and the store.
    public static func humanKeptAutoPair(auto: PairLabel, human: PairLabel) -> Bool {
        LabelAgreement.humanKeptAutoPair(auto: auto.decision, human: human.decision)
    }
}

/// New human labels from the current one and a decision. Where a decision names only one
/// side, the other side is kept from the effective label when it differs, else taken by
/// score: the best other provider as chosen, the worst other as rejected (ties: lower number).
enum LabelRules {
    static func choosing(_ provider: Int, in prompt: PromptItem) -> PairLabel {
        let effective = prompt.effectiveLabel
        var rejected = effective?.rejectedProvider
        if rejected == nil || rejected == provider { rejected = extreme(in: prompt, excluding: provider, best: false) }
        return PairLabel(action: .chosen, chosenProvider: provider, rejectedProvider: rejected)
    }

    static func rejecting(_ provider: Int, in prompt: PromptItem) -> PairLabel {
        let effective = prompt.effectiveLabel
        if let written = effective?.chosenRationale {
            return PairLabel(action: .chosen, rejectedProvider: provider, chosenRationale: written)
        }
        var chosen = effective?.chosenProvider
        if chosen == nil || chosen == provider { chosen = extreme(in: prompt, excluding: provider, best: true) }
        return PairLabel(action: .chosen, chosenProvider: chosen, rejectedProvider: provider)
    }

    /// Whether the label's chosen and rejected sides are the same text (what DPO compares).
    static func sidesAreIdentical(_ label: PairLabel, in prompt: PromptItem) -> Bool {
        func text(of provider: Int?) -> String? {
            provider.flatMap { p in prompt.answers.first { $0.provider == p }?.rationale }
        }
        guard let rejected = text(of: label.rejectedProvider),
              let chosen = label.chosenRationale ?? text(of: label.chosenProvider) else { return false }
        return chosen.trimmingCharacters(in: .whitespacesAndNewlines) == rejected.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func writing(_ rationale: String, in prompt: PromptItem) -> PairLabel {
        let rejected = prompt.effectiveLabel?.rejectedProvider ?? extreme(in: prompt, excluding: nil, best: false)
        return PairLabel(action: .chosen, rejectedProvider: rejected, chosenRationale: rationale)
    }

    static func dropping(_ prompt: PromptItem) -> PairLabel {
        let effective = prompt.effectiveLabel
        return PairLabel(action: .dropped, chosenProvider: effective?.chosenProvider,
                         rejectedProvider: effective?.rejectedProvider, chosenRationale: effective?.chosenRationale)
    }

    /// The auto pair, trained on although filtered; nil unless the auto label is filtered.
    static func keepingFiltered(_ prompt: PromptItem) -> PairLabel? {
        guard let auto = prompt.autoLabel, auto.action == .filtered else { return nil }
        return PairLabel(action: .keptFiltered, chosenProvider: auto.chosenProvider, rejectedProvider: auto.rejectedProvider)
    }

    /// The auto decision made the human's as it is: a kept pair stays chosen, a filtered one
    /// stays filtered (the person agrees with the filter; the store records it as such, and
    /// it counts as agreement, unlike a drop).
    static func acceptingAuto(_ prompt: PromptItem) -> PairLabel? {
        guard let auto = prompt.autoLabel else { return nil }
        return PairLabel(action: auto.action, chosenProvider: auto.chosenProvider, rejectedProvider: auto.rejectedProvider)
    }

    /// The provider (other than `excluding`) with the highest or lowest l_s; unscored
    /// providers count as lowest.
    static func extreme(in prompt: PromptItem, excluding: Int?, best: Bool) -> Int? {
        let others = prompt.answers.filter { $0.provider != excluding }
        let ordered = others.sorted { left, right in
            let a = left.score ?? -.infinity, b = right.score ?? -.infinity
            if a != b { return best ? a > b : a < b }
            return left.provider < right.provider
        }
        return ordered.first?.provider
    }
}

extension PairLabel {
    /// The label's content as Collate compares decisions.
    var decision: LabelDecision {
        LabelDecision(action: action.labelAction, chosenProvider: chosenProvider, rejectedProvider: rejectedProvider,
                      chosenRationale: chosenRationale)
    }
}

extension PairAction {
    /// The store's action of the same name.
    var labelAction: LabelAction {
        switch self {
        case .chosen: .chosen
        case .filtered: .filtered
        case .dropped: .dropped
        case .keptFiltered: .keptFiltered
        }
    }
}
