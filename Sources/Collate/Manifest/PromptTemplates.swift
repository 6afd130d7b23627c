import LLM

/// The prompt templates of the three modes (COLLATE.md section 1). Placeholders are
/// `{instruction}` and `{rationale}`; any other `{name}` is an error when the manifest is read,
/// so a typo cannot silently reach a prompt. Defaults are ours: plain labelled lines ending in
/// a newline, so the completion starts a fresh line and never begins with a space token.
public struct PromptTemplates: Sendable, Equatable {
    /// I -> A.
    public var answer = "Question: {instruction}\nAnswer:\n"
    /// I -> R.
    public var rationale = "Question: {instruction}\nReasoning:\n"
    /// [I;R] -> A.
    public var answerWithRationale = "Question: {instruction}\nReasoning:\n{rationale}\nAnswer:\n"
    /// [templates] chat: each rendered template becomes one user turn in the model's chat
    /// format, followed by the assistant's opening; the completion is the assistant's text.
    public var chat = false
    /// The model's chat format, read when the session opens (`chat` set); nil otherwise.
    public var chatFormat: ChatTemplate?

    public init() {}

    public enum Mode: String, Sendable, CaseIterable {
        case answer
        case rationale
        case answerWithRationale = "answer_with_rationale"

        /// The placeholders this mode's template must contain.
        public var requiredPlaceholders: [String] {
            self == .answerWithRationale ? ["instruction", "rationale"] : ["instruction"]
        }
    }

    public func template(for mode: Mode) -> String {
        switch mode {
        case .answer: answer
        case .rationale: rationale
        case .answerWithRationale: answerWithRationale
        }
    }

    /// The prompt of `mode` for one example: the template filled in, as one user turn of the
    /// model's chat format when `chatFormat` is set.
    public func render(_ mode: Mode, instruction: String, rationale: String = "") -> String {
        let text = fill(mode, instruction: instruction, rationale: rationale)
        return chatFormat.map { $0.prompt(user: text) } ?? text
    }

    /// The template of `mode` filled in. Substitution is one pass over the template, so a
    /// `{rationale}` written inside an instruction is left as text.
    func fill(_ mode: Mode, instruction: String, rationale: String) -> String {
        var output = ""
        var rest = Substring(template(for: mode))
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            let afterOpen = rest[rest.index(after: open)...]
            if let close = afterOpen.firstIndex(of: "}") {
                switch afterOpen[..<close] {
                case "instruction": output += instruction
                case "rationale": output += rationale
                default: output += rest[open...close]
                }
                rest = afterOpen[afterOpen.index(after: close)...]
            } else {
                output += rest[open...]
                rest = ""
            }
        }
        return output + rest
    }

    /// The names inside `{...}` in a template, in order.
    public static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest[rest.index(after: open)...]
            guard let close = afterOpen.firstIndex(of: "}") else { break }
            names.append(String(afterOpen[..<close]))
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        return names
    }
}
