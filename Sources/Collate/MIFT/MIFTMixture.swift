import LLM
import TensorCore

/// One tokenised MIFT example: prompt tokens (no loss) then target tokens with EOS appended
/// (loss), encoded separately as FORMATS.md's token-boundary rule says.
public struct MIFTSequence: Sendable, Equatable {
    /// The prompt it came from (the data order and the checkpoint digest key on it).
    public var promptID: Int64
    public var mode: PromptTemplates.Mode
    public var prompt: [Int]
    public var target: [Int]
    public var tokens: [Int] { prompt + target }
}

/// The MIFT mixture of COLLATE.md section 1 over a session's training split: each example is
/// assigned ONE of the three modes (I -> A, I -> R, [I;R] -> A) by a draw keyed by (seed,
/// prompt id), so the assignment does not depend on the order or number of examples and a
/// resumed run sees the same mixture. Examples without a gold rationale train I -> A only.
public enum MIFTMixture {
    /// The three modes in draw order.
    public static let modes: [PromptTemplates.Mode] = [.answer, .rationale, .answerWithRationale]

    /// The mode of one example.
    public static func mode(promptID: Int64, hasRationale: Bool, seed: UInt64) -> PromptTemplates.Mode {
        guard hasRationale else { return .answer }
        // "MIFT" as a key keeps this stream apart from the other draws keyed by prompt id.
        var generator = SplitMix64(seed: seed, keys: [0x4D49_4654, UInt64(bitPattern: promptID)])
        return modes[generator.nextIndex(below: modes.count)]
    }

    /// (prompt, completion) of `mode` for an example: P_IA(I) -> A, P_IR(I) -> R or P_IRA(I, R) -> A.
    public static func texts(instruction: String, rationale: String?, answer: String, mode: PromptTemplates.Mode,
                             templates: PromptTemplates) -> (prompt: String, completion: String) {
        switch mode {
        case .answer:
            (templates.render(.answer, instruction: instruction), answer)
        case .rationale:
            (templates.render(.rationale, instruction: instruction), rationale ?? "")
        case .answerWithRationale:
            (templates.render(.answerWithRationale, instruction: instruction, rationale: rationale ?? ""), answer)
        }
    }

    /// The session's training examples as sequences, each in its drawn mode. Sequences that do
    /// not fit `model`'s context are left out (their count is returned).
    public static func sequences(prompts: [PromptRecord], templates: PromptTemplates, seed: UInt64,
                                 model: LlamaModel, tokenizer: Tokenizer) throws -> (sequences: [MIFTSequence], dropped: Int) {
        var sequences: [MIFTSequence] = []
        var dropped = 0
        for prompt in prompts {
            guard let id = prompt.id else { continue }
            let mode = mode(promptID: id, hasRationale: prompt.goldRationale != nil, seed: seed)
            let (text, completion) = texts(instruction: prompt.instruction, rationale: prompt.goldRationale,
                                           answer: prompt.goldAnswer, mode: mode, templates: templates)
            let ids = try model.completionTokenIDs(prompt: text, completion: completion, tokenizer: tokenizer)
            guard !ids.prompt.isEmpty, ids.prompt.count + ids.completion.count <= model.contextLength else {
                dropped += 1
                continue
            }
            sequences.append(MIFTSequence(promptID: id, mode: mode, prompt: ids.prompt, target: ids.completion))
        }
        return (sequences, dropped)
    }
}
