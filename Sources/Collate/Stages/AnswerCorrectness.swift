/// Whether a predicted answer is right for a prompt (COLLATE.md section 4): the option for
/// multiple choice, the number for numeric gold answers (GSM8K), else the text itself
/// (case and surrounding whitespace ignored).
public enum AnswerCorrectness {
    public static func isCorrect(prediction: String, prompt: PromptRecord) -> Bool {
        if let options = prompt.options, !options.isEmpty {
            return AnswerChecker.optionMatches(prediction: prediction, gold: prompt.goldAnswer, options: options)
        }
        if AnswerChecker.canonicalNumber(prompt.goldAnswer.trimmingWhitespace()) != nil {
            return AnswerChecker.numberMatches(prediction: prediction, gold: prompt.goldAnswer)
        }
        return prediction.trimmingWhitespace().lowercased() == prompt.goldAnswer.trimmingWhitespace().lowercased()
    }
}
