import Foundation
import Testing
@testable import LLM
import TestSupport

/// `--chat`: ChatML and Llama 3 templates recognised from tokenizer_config.json; the expected
/// prompts are what jinja2 (as transformers runs it) renders from the same template texts
/// for one user message with add_generation_prompt (checked once in the reference venv).
@Suite struct ChatTemplateTests {
    /// SmolLM2-Instruct's template: real newlines inside the Jinja literals.
    static let smolLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    /// Qwen2.5-Instruct's (tool branches left out): Jinja `\n` escapes, and a dynamic system
    /// literal before the default one.
    static let qwen25 = #"{%- if messages[0]['role'] == 'system' %}    {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}{%- else %}    {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}{%- endif %}{%- for message in messages %}{{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}{%- endif %}"#
    /// Llama-3-Instruct's.
    static let llama3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"

    static let chatMLTokens = TokenizerFixture(merges: [("H", "i")], addedTokens: [
        (content: "<|im_start|>", special: true), (content: "<|im_end|>", special: true)])
    static let llama3Tokens = TokenizerFixture(merges: [("H", "i")], addedTokens: [
        (content: "<|begin_of_text|>", special: true), (content: "<|start_header_id|>", special: true),
        (content: "<|end_header_id|>", special: true), (content: "<|eot_id|>", special: true)])

    /// A directory holding tokenizer_config.json with `chatTemplate` (a JSON value).
    private func directory(chatTemplate: JSONValue?) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        var entries: [(key: String, value: JSONValue)] = [(key: "model_max_length", value: .int(2048))]
        if let chatTemplate { entries.append((key: "chat_template", value: chatTemplate)) }
        try Data(JSONWriter.string(.object(JSONObject(entries))).utf8)
            .write(to: directory.url.appendingPathComponent(ChatTemplate.configFileName))
        return directory
    }

    @Test func smolLM2ChatMLWithItsDefaultSystem() throws {
        let tokenizer = try Self.chatMLTokens.tokenizer()
        let folder = try directory(chatTemplate: .string(Self.smolLM2))
        let template = try ChatTemplate(directory: folder.url, tokenizer: tokenizer)
        #expect(template.form == .chatML && template.caveat == nil)
        #expect(template.defaultSystem == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        #expect(template.prompt(user: " Hi there\n") == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\n Hi there\n<|im_end|>\n<|im_start|>assistant\n")
        #expect(template.prompt(user: "2+2?", system: "Be brief.") == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n")
        // The markers encode as the special tokens, not as their characters.
        let ids = tokenizer.encode(template.prompt(user: "Hi", system: "S"))
        let start = Self.chatMLTokens.id("<|im_start|>"), end = Self.chatMLTokens.id("<|im_end|>")
        #expect(ids.filter { $0 == start }.count == 3 && ids.filter { $0 == end }.count == 2)
        #expect(ids.first == start && tokenizer.decode(ids) == template.prompt(user: "Hi", system: "S"))
    }

    @Test func qwen25DefaultSystemSkipsTheDynamicLiteral() throws {
        let tokenizer = try Self.chatMLTokens.tokenizer()
        // Also the list form of chat_template.
        let list = JSONValue.array([
            .object(JSONObject([(key: "name", value: .string("tool_use")), (key: "template", value: .string("{{ tools }}"))])),
            .object(JSONObject([(key: "name", value: .string("default")), (key: "template", value: .string(Self.qwen25))])),
        ])
        let folder = try directory(chatTemplate: list)
        let template = try ChatTemplate(directory: folder.url, tokenizer: tokenizer)
        #expect(template.prompt(user: " Hi there\n") == "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\n Hi there\n<|im_end|>\n<|im_start|>assistant\n")
    }

    @Test func llama3HeadersTrimmedAndWithBOS() throws {
        let tokenizer = try Self.llama3Tokens.tokenizer()
        let template = try ChatTemplate(template: Self.llama3, tokenizer: tokenizer, file: "x/tokenizer_config.json")
        #expect(template.form == .llama3 && template.caveat == nil)
        #expect(template.prompt(user: " Hi there\n") == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(template.prompt(user: "2+2?", system: "Be brief.") == "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(tokenizer.encode(template.prompt(user: "Hi")).first == Self.llama3Tokens.id("<|begin_of_text|>"))
        let dated = try ChatTemplate(template: Self.llama3 + "{{ 'Cutting Knowledge Date: December 2023' }}", tokenizer: tokenizer, file: "x/tokenizer_config.json")
        #expect(dated.caveat?.contains("not reproduced") == true)
    }

    @Test func unknownOrMissingTemplatesAreErrorsNamingTheFile() throws {
        let tokenizer = try Self.chatMLTokens.tokenizer()
        let mistral = try directory(chatTemplate: .string("{{ bos_token }}{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}"))
        let file = mistral.url.appendingPathComponent(ChatTemplate.configFileName).path
        #expect(throws: ChatTemplateError.self) { try ChatTemplate(directory: mistral.url, tokenizer: tokenizer) }
        do { _ = try ChatTemplate(directory: mistral.url, tokenizer: tokenizer) } catch {
            #expect(error.file == file && error.reason.contains("neither ChatML"))
        }
        let none = try directory(chatTemplate: nil)
        do { _ = try ChatTemplate(directory: none.url, tokenizer: tokenizer); Issue.record("no template accepted") } catch {
            #expect(error.reason.contains("has no chat_template"))
        }
        let empty = try TemporaryDirectory()
        do { _ = try ChatTemplate(directory: empty.url, tokenizer: tokenizer); Issue.record("missing file accepted") } catch {
            #expect(error.file.hasSuffix("tokenizer_config.json") && error.reason.contains("cannot read"))
        }
        // A ChatML template over a tokenizer without the ChatML tokens.
        let plain = try TokenizerFixture(merges: [("H", "i")]).tokenizer()
        do { _ = try ChatTemplate(template: Self.smolLM2, tokenizer: plain, file: "t.json"); Issue.record("missing token accepted") } catch {
            #expect(error.reason.contains("<|im_start|>"))
        }
    }
}

/// The chat_template.jinja form (transformers >= 4.x saves the template there and prefers it
/// over tokenizer_config.json's string).
@Suite struct ChatTemplateJinjaFileTests {
    @Test func jinjaFileBesideTheConfigWinsAndErrorsNameIt() throws {
        let tokenizer = try ChatTemplateTests.llama3Tokens.tokenizer()
        let folder = try TemporaryDirectory()
        // tokenizer_config.json says ChatML (which this tokenizer lacks); the .jinja file is Llama 3.
        try Data(#"{"chat_template": "<|im_start|>"}"#.utf8).write(to: folder.url.appendingPathComponent(ChatTemplate.configFileName))
        _ = folder.file(ChatTemplate.jinjaFileName, text: ChatTemplateTests.llama3)
        let template = try ChatTemplate(directory: folder.url, tokenizer: tokenizer)
        #expect(template.form == .llama3)
        #expect(template.prompt(user: "Hi") == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")

        let other = try TemporaryDirectory()
        _ = other.file(ChatTemplate.jinjaFileName, text: "{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}")
        do { _ = try ChatTemplate(directory: other.url, tokenizer: tokenizer); Issue.record("unknown template accepted") } catch {
            #expect(error.file == other.url.appendingPathComponent(ChatTemplate.jinjaFileName).path)
            #expect(error.reason.contains("neither ChatML"))
        }
        let invalid = try TemporaryDirectory()
        _ = invalid.file(ChatTemplate.jinjaFileName, bytes: [0xFF, 0xFE, 0x00])
        do { _ = try ChatTemplate(directory: invalid.url, tokenizer: tokenizer); Issue.record("invalid UTF-8 accepted") } catch {
            #expect(error.file.hasSuffix(ChatTemplate.jinjaFileName) && error.reason.contains("UTF-8"))
        }
    }
}
