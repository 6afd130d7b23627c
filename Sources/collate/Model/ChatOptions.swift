import ArgumentParser
import Foundation
import LLM

/// `--chat` / `--system`: put the prompt (or text) in the model's chat format as one user
/// turn followed by the assistant's header (LLM's `ChatTemplate`: ChatML or Llama 3,
/// recognised from chat_template.jinja, tokenizer_config.json or a GGUF file's tokenizer.chat_template; anything else is an error naming the file).
struct ChatOptions: ParsableArguments {
    @Flag(help: "Wrap the prompt as a user turn in the model's chat template (ChatML or Llama 3, from the model's chat template).")
    var chat = false
    @Option(help: "System message for --chat (default: the template's own, if it writes one).")
    var system: String?

    func validate() throws {
        if system != nil && !chat { throw ValidationError("--system needs --chat") }
    }

    /// `text` as given without --chat; otherwise the chat prompt. A caveat of the template
    /// (what is not reproduced) goes to stderr.
    /// --bos with --chat is refused: a template that wants BOS writes it itself.
    func apply(to text: String, _ opened: ModelDirectory, bos: Bool) throws -> String {
        guard chat else { return text }
        if bos { throw ValidationError("--chat writes the template's own start (BOS for Llama 3): drop --bos") }
        let template = try opened.chatTemplate()
        if let caveat = template.caveat { FileHandle.standardError.write(Data("note: \(caveat)\n".utf8)) }
        return template.prompt(user: text, system: system)
    }
}
