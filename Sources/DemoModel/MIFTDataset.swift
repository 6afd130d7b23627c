import Collate
import LLM

/// One problem of the demo task as the recipe sees it.
public struct DemoExample: Sendable, Equatable {
    public var instruction: String
    public var rationale: String
    public var answer: String

    public init(instruction: String, rationale: String, answer: String) {
        self.instruction = instruction
        self.rationale = rationale
        self.answer = answer
    }
}

/// A tokenised training sequence: prompt tokens (no loss) then target tokens with EOS
/// appended (loss), encoded separately as FORMATS.md's token-boundary rule says.
public struct MIFTSequence: Sendable, Equatable {
    public var prompt: [Int]
    public var target: [Int]
    public var tokens: [Int] { prompt + target }
}

/// The MIFT mixture of COLLATE.md section 1: every problem in each of its three modes,
/// tokenised once; the sampler picks one mode per example draw.
public struct MIFTDataset: Sendable {
    /// The three modes in a fixed order (the sampler draws an index into it).
    public static let modes: [PromptTemplates.Mode] = [.answer, .rationale, .answerWithRationale]

    /// sequences[problem][mode index]
    public let sequences: [[MIFTSequence]]

    public var count: Int { sequences.count }

    /// Tokenises every example in every mode. Sequences longer than `contextLength` are
    /// dropped (the demo's are far shorter; the count is reported by `droppedCount`).
    public init(examples: [DemoExample], templates: PromptTemplates, tokenizer: Tokenizer,
                eosID: Int, contextLength: Int) {
        var kept: [[MIFTSequence]] = []
        var dropped = 0
        for example in examples {
            let perMode = Self.modes.map { mode in
                Self.sequence(example, mode: mode, templates: templates, tokenizer: tokenizer, eosID: eosID)
            }
            if perMode.allSatisfy({ $0.tokens.count <= contextLength }) { kept.append(perMode) } else { dropped += 1 }
        }
        sequences = kept
        droppedCount = dropped
    }

    /// Examples left out because one of their modes does not fit the context.
    public let droppedCount: Int

    /// The (prompt, completion) of `mode` for `example`: I -> A, I -> R or [I; R] -> A.
    public static func texts(_ example: DemoExample, mode: PromptTemplates.Mode,
                             templates: PromptTemplates) -> (prompt: String, completion: String) {
        switch mode {
        case .answer: (templates.render(.answer, instruction: example.instruction), example.answer)
        case .rationale: (templates.render(.rationale, instruction: example.instruction), example.rationale)
        case .answerWithRationale:
            (templates.render(.answerWithRationale, instruction: example.instruction, rationale: example.rationale),
             example.answer)
        }
    }

    static func sequence(_ example: DemoExample, mode: PromptTemplates.Mode, templates: PromptTemplates,
                         tokenizer: Tokenizer, eosID: Int) -> MIFTSequence {
        let (prompt, completion) = texts(example, mode: mode, templates: templates)
        return MIFTSequence(prompt: tokenizer.prependingBOS(tokenizer.encode(prompt)),
                            target: tokenizer.encode(completion) + [eosID])
    }
}
