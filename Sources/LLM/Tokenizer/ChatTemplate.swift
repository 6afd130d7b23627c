import Foundation

/// Why `--chat` cannot format a prompt for a model directory.
public struct ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "\(file): \(reason)" }
}

/// The chat formats a prompt can be put in, recognised from the model's chat template
/// (`chat_template.jinja`, `tokenizer_config.json`'s `chat_template`, or a GGUF file's
/// `tokenizer.chat_template`; a Jinja program; there is no Jinja engine here, so only the two forms
/// below are recognised, by their special tokens, and anything else is refused by name):
///
/// - ChatML (Qwen2/2.5, SmolLM2 instruct):
///   `<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n`
///   The system block comes from `system`, else from the default the template writes when
///   the conversation has none (a literal such as SmolLM2's "You are a helpful AI assistant
///   named SmolLM, ..."), else it is left out.
/// - Llama 3 headers:
///   `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n{system}<|eot_id|>`
///   `<|start_header_id|>user<|end_header_id|>\n\n{user}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`
///   (system block only when `system` is given; texts trimmed, as the template does). Llama 3.1+ templates add a dated system
///   block ("Cutting Knowledge Date ... Today Date ...") that depends on the day they run;
///   it is not reproduced, and `caveat` says so.
///
/// The result is text with the special tokens spelled out; the tokenizer splits them out
/// first, so encode it without adding special tokens (as `apply_chat_template` does).
public struct ChatTemplate: Sendable, Equatable {
    public enum Form: Sendable, Equatable { case chatML, llama3 }

    public static let configFileName = "tokenizer_config.json"
    public static let jinjaFileName = "chat_template.jinja"

    public let form: Form
    /// The system text used when none is given (ChatML templates that write one).
    public let defaultSystem: String?
    /// What of the template is not reproduced, for the user to read (nil: nothing known).
    public let caveat: String?

    public init(form: Form, defaultSystem: String? = nil, caveat: String? = nil) {
        self.form = form
        self.defaultSystem = defaultSystem
        self.caveat = caveat
    }

    /// Reads the chat template of `directory` and recognises it: `chat_template.jinja` when
    /// present (transformers saves it there and prefers it), else `tokenizer_config.json`'s
    /// `chat_template`. The special tokens it uses must be tokens of `tokenizer`.
    public init(directory: URL, tokenizer: Tokenizer) throws(ChatTemplateError) {
        let jinja = directory.appendingPathComponent(Self.jinjaFileName)
        if let data = FileManager.default.contents(atPath: jinja.path) {
            guard let template = String(validating: data, as: UTF8.self) else {
                throw ChatTemplateError(file: jinja.path, reason: "is not valid UTF-8")
            }
            try self.init(template: template, tokenizer: tokenizer, file: jinja.path)
            return
        }
        let url = directory.appendingPathComponent(Self.configFileName)
        let file = url.path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ChatTemplateError(file: file, reason: "cannot read it: --chat needs the chat_template it holds")
        }
        let template: String
        do {
            guard let object = try JSONParser.parse(data).objectValue else {
                throw ChatTemplateError(file: file, reason: "not a JSON object")
            }
            template = try Self.templateText(object["chat_template"], file: file)
        } catch let error as ChatTemplateError {
            throw error
        } catch {
            throw ChatTemplateError(file: file, reason: "invalid JSON: \(error)")
        }
        try self.init(template: template, tokenizer: tokenizer, file: file)
    }

    /// Recognises `template` (the `chat_template` text); `file` names it in errors.
    public init(template: String, tokenizer: Tokenizer, file: String) throws(ChatTemplateError) {
        func require(_ tokens: [String]) throws(ChatTemplateError) {
            for token in tokens where tokenizer.id(of: token) == nil {
                throw ChatTemplateError(file: file, reason: "chat_template uses \(token), which tokenizer.json does not have as a token")
            }
        }
        if template.contains("<|im_start|>") {
            try require(["<|im_start|>", "<|im_end|>"])
            self.init(form: .chatML, defaultSystem: Self.chatMLDefaultSystem(in: template))
        } else if template.contains("<|start_header_id|>") {
            try require(["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"])
            let dated = template.contains("Cutting Knowledge Date")
            self.init(form: .llama3, caveat: dated
                ? "\(file): the template's dated system block (Cutting Knowledge Date / Today Date) is not reproduced; give --system to set a system message"
                : nil)
        } else {
            throw ChatTemplateError(file: file, reason:
                "chat_template is neither ChatML (<|im_start|>) nor Llama 3 (<|start_header_id|>); other templates are not supported (there is no Jinja engine): format the prompt yourself and drop --chat")
        }
    }

    /// The prompt for one user turn, ending where the assistant's answer begins.
    public func prompt(user: String, system: String? = nil) -> String {
        switch form {
        case .chatML:
            let systemText = system ?? defaultSystem
            let systemBlock = systemText.map { "<|im_start|>system\n\($0)<|im_end|>\n" } ?? ""
            return systemBlock + "<|im_start|>user\n\(user)<|im_end|>\n<|im_start|>assistant\n"
        case .llama3:
            // The template trims every message (Jinja's `| trim`).
            func block(_ role: String, _ text: String) -> String {
                "<|start_header_id|>\(role)<|end_header_id|>\n\n\(text.trimmingCharacters(in: .whitespacesAndNewlines))<|eot_id|>"
            }
            return "<|begin_of_text|>" + (system.map { block("system", $0) } ?? "") + block("user", user)
                + "<|start_header_id|>assistant<|end_header_id|>\n\n"
        }
    }

    /// `chat_template` is a string, or a list of `{name, template}` (the one named "default").
    private static func templateText(_ value: JSONValue?, file: String) throws(ChatTemplateError) -> String {
        guard let value, !value.isNull else { throw ChatTemplateError(file: file, reason: "has no chat_template (not a chat model?)") }
        if let text = value.stringValue { return text }
        if let list = value.arrayValue {
            for entry in list {
                if let object = entry.objectValue, object["name"]?.stringValue == "default",
                   let text = object["template"]?.stringValue { return text }
            }
            throw ChatTemplateError(file: file, reason: "chat_template is a list without a template named \"default\"")
        }
        throw ChatTemplateError(file: file, reason: "chat_template must be a string or a list of named templates")
    }

    /// The literal system text a ChatML template writes when the conversation has no system
    /// message: `<|im_start|>system` + newline (real, or Jinja's `\n`) + text + `<|im_end|>`,
    /// all inside one string literal (text with a quote or `{` is an expression, not a default).
    static func chatMLDefaultSystem(in template: String) -> String? {
        var rest = Substring(template)
        while let start = rest.range(of: "<|im_start|>system") {
            rest = rest[start.upperBound...]
            var body = rest
            if body.hasPrefix("\\n") { body = body.dropFirst(2) } else if body.hasPrefix("\n") { body = body.dropFirst() } else { continue }
            guard let end = body.range(of: "<|im_end|>") else { return nil }
            let text = body[..<end.lowerBound]
            if text.isEmpty || text.contains(where: { "'\"{}".contains($0) }) { continue }
            return text.replacingOccurrences(of: "\\n", with: "\n")
        }
        return nil
    }
}
