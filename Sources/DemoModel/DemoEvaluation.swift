import Collate
import Foundation
import LLM

/// The demo model's numbers (README): answer accuracy in three settings and the answer
/// score l = exp(mean log-prob of the answer tokens + EOS) with and without the gold rationale.
public struct DemoEvaluationReport: Sendable, Equatable {
    public var count = 0
    public var correctWithGoldRationale = 0
    public var correctDirect = 0
    public var correctWithOwnRationale = 0
    public var scoreSumWithGoldRationale = 0.0
    public var scoreSumWithout = 0.0

    public var accuracyWithGoldRationale: Double { fraction(correctWithGoldRationale) }
    public var accuracyDirect: Double { fraction(correctDirect) }
    public var accuracyWithOwnRationale: Double { fraction(correctWithOwnRationale) }
    /// Mean l with the gold rationale in the prompt.
    public var meanScoreWithGoldRationale: Double { count == 0 ? 0 : scoreSumWithGoldRationale / Double(count) }
    /// Mean l_0 without a rationale.
    public var meanScoreWithout: Double { count == 0 ? 0 : scoreSumWithout / Double(count) }

    func fraction(_ correct: Int) -> Double { count == 0 ? 0 : Double(correct) / Double(count) }
}

/// One problem's outcome, for progress display and debugging.
public struct DemoEvaluationItem: Sendable, Equatable {
    public var index: Int
    public var answerWithGoldRationale: String
    public var answerDirect: String
    public var ownRationale: String
    public var answerWithOwnRationale: String
}

public struct DemoEvaluator {
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public let templates: PromptTemplates
    public var maxRationaleTokens = 96
    public var maxAnswerTokens = 12
    /// Tokens whose text holds a newline: an answer ends at the first one (or at EOS).
    let newlineTokens: Set<Int>

    public init(model: LlamaModel, tokenizer: Tokenizer, templates: PromptTemplates) {
        self.model = model
        self.tokenizer = tokenizer
        self.templates = templates
        newlineTokens = Set((0..<tokenizer.vocabularySize).filter { tokenizer.decode([$0]).contains("\n") })
    }

    /// Greedy answer to a prompt: the text generated up to EOS or the first newline, trimmed.
    public func answer(prompt: String) -> String {
        let ids = tokenizer.encode(prompt, addSpecialTokens: true)
        var kept: [Int] = []
        _ = model.generate(prompt: ids, options: GenerationOptions(maxTokens: maxAnswerTokens)) { token in
            if newlineTokens.contains(token) {
                let text = tokenizer.decode([token])
                if let cut = text.firstIndex(of: "\n"), cut != text.startIndex {
                    kept += tokenizer.encode(String(text[..<cut]))
                }
                return .stop
            }
            kept.append(token)
            return .continue
        }
        return tokenizer.decode(kept, skipSpecialTokens: true).trimmingCharacters(in: .whitespaces)
    }

    /// The model's own greedy rationale (up to EOS), trailing newlines removed.
    public func rationale(for instruction: String) -> String {
        let ids = tokenizer.encode(templates.render(.rationale, instruction: instruction), addSpecialTokens: true)
        let result = model.generate(prompt: ids, options: GenerationOptions(maxTokens: maxRationaleTokens))
        let text = tokenizer.decode(result.tokens, skipSpecialTokens: true)
        return String(text.reversed().drop { $0 == "\n" || $0 == " " }.reversed())
    }

    /// Whether `prediction` is the number `gold` (both canonicalised; no other text allowed).
    public static func isCorrect(_ prediction: String, gold: String) -> Bool {
        guard let predicted = AnswerChecker.canonicalNumber(prediction),
              let expected = AnswerChecker.canonicalNumber(gold) else { return false }
        return predicted == expected
    }

    /// Evaluates every example; `progress` sees each finished item and the running report.
    public func evaluate(_ examples: [DemoExample], scoringBatch: Int = 16,
                         progress: (DemoEvaluationItem, DemoEvaluationReport) -> Void = { _, _ in }) throws -> DemoEvaluationReport {
        var report = DemoEvaluationReport()
        for start in stride(from: 0, to: examples.count, by: scoringBatch) {
            let chunk = Array(examples[start..<min(start + scoringBatch, examples.count)])
            let withRationale = try model.scoreCompletions(chunk.map {
                MIFTDataset.texts($0, mode: .answerWithRationale, templates: templates)
            }, tokenizer: tokenizer)
            let without = try model.scoreCompletions(chunk.map {
                MIFTDataset.texts($0, mode: .answer, templates: templates)
            }, tokenizer: tokenizer)
            for (offset, example) in chunk.enumerated() {
                report.count += 1
                report.scoreSumWithGoldRationale += Foundation.exp(withRationale[offset].mean)
                report.scoreSumWithout += Foundation.exp(without[offset].mean)
                let gold = answer(prompt: MIFTDataset.texts(example, mode: .answerWithRationale, templates: templates).prompt)
                let direct = answer(prompt: MIFTDataset.texts(example, mode: .answer, templates: templates).prompt)
                let own = rationale(for: example.instruction)
                let viaOwn = answer(prompt: templates.render(.answerWithRationale, instruction: example.instruction, rationale: own))
                if Self.isCorrect(gold, gold: example.answer) { report.correctWithGoldRationale += 1 }
                if Self.isCorrect(direct, gold: example.answer) { report.correctDirect += 1 }
                if Self.isCorrect(viaOwn, gold: example.answer) { report.correctWithOwnRationale += 1 }
                progress(DemoEvaluationItem(index: start + offset, answerWithGoldRationale: gold, answerDirect: direct,
                                            ownRationale: own, answerWithOwnRationale: viaOwn), report)
            }
        }
        return report
    }
}
