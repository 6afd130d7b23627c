import Foundation
import LLM
import TensorCore
import Testing
import TestSupport
@testable import Collate

/// `[templates] chat = true`: every prompt (I -> A, I -> R, [I;R] -> A) is one user turn in the
/// model's chat format, then the assistant's opening; the completion is the assistant's text.
@Suite struct ChatTemplatesTests {
    /// SmolLM2-Instruct's template (as in LLMTests' ChatTemplateTests).
    static let smolLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

    @Test func bothFamiliesWrapEveryMode() {
        var templates = PromptTemplates()
        #expect(templates.render(.answer, instruction: "2+2?") == "Question: 2+2?\nAnswer:\n")
        templates.chatFormat = ChatTemplate(form: .chatML, defaultSystem: "Be brief.")
        #expect(templates.render(.rationale, instruction: "2+2?")
                == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nQuestion: 2+2?\nReasoning:\n<|im_end|>\n<|im_start|>assistant\n")
        templates.chatFormat = ChatTemplate(form: .llama3)
        #expect(templates.render(.answerWithRationale, instruction: "2+2?", rationale: "2 and 2 make 4.")
                == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nQuestion: 2+2?\nReasoning:\n2 and 2 make 4.\nAnswer:"
                + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    @Test func theKeyParsesAndRoundTrips() throws {
        let text = "[data]\ntrain = \"t.jsonl\"\n[templates]\nchat = true\n"
        let manifest = try SessionManifest.parse(text)
        #expect(manifest.templates.chat && manifest.templates.chatFormat == nil)
        #expect(try SessionManifest.parse(manifest.text()) == manifest)
        #expect(try !SessionManifest.parse("[data]\ntrain = \"t.jsonl\"\n").templates.chat)
        #expect(throws: ManifestError.self) { try SessionManifest.parse("[data]\ntrain = \"t.jsonl\"\n[templates]\nchat = 1\n") }
    }

    /// A session whose tiny model has ChatML's special tokens and, when `template` is given,
    /// its chat_template.jinja.
    func session(template: String?) throws -> (TemporaryDirectory, SessionLocation) {
        let directory = try TemporaryDirectory()
        let location = try SessionLocation(name: "chat", sessionsDirectory: directory.url)
        try FileManager.default.createDirectory(at: location.folder, withIntermediateDirectories: true)
        var manifest = SessionManifest(data: TaskDataSpec(format: .gsm8k, train: "train.jsonl"))
        manifest.templates.chat = true
        manifest.miftSkipped = true
        try Data(manifest.text().utf8).write(to: location.manifest)
        var trainer = BPETrainer(vocabularySize: 300, specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        trainer.addText("Question: Tom has 3 apples and buys 2 more. Reasoning: 3 + 2 = 5. Answer: 5")
        let tokenizer = try trainer.train()
        let config = ModelConfig(
            modelType: .llama, vocabSize: tokenizer.vocabularySize, hiddenSize: 16, intermediateSize: 24,
            numHiddenLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 1, rmsNormEps: 1e-5,
            tieWordEmbeddings: true, maxPositionEmbeddings: 256, eosTokenIDs: [0])
        let modelURL = location.resolve(manifest.model)
        try LlamaModel(randomConfig: config, seed: 3).save(to: modelURL, tokenizerJSON: tokenizer.json())
        if let template {
            try Data(template.utf8).write(to: modelURL.appendingPathComponent(ChatTemplate.jinjaFileName))
        }
        return (directory, location)
    }

    @Test func aSessionReadsItsModelsChatFormatAndItsPromptsAreTheChatTurns() throws {
        let (directory, location) = try session(template: Self.smolLM2)
        defer { directory.remove() }
        let session = try Session.open(location)
        #expect(session.manifest.templates.chatFormat?.form == .chatML)
        let prompt = session.manifest.templates.render(.rationale, instruction: "Tom has 3 apples.")
        #expect(prompt == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nQuestion: Tom has 3 apples.\nReasoning:\n<|im_end|>\n<|im_start|>assistant\n")
        // What the stages give the model: the markers as their special tokens.
        let models = try ProviderModels.load(session: session, iteration: 1)
        let ids = try models.model.promptTokenIDs(prompt, tokenizer: models.tokenizer, promptID: 1)
        let start = try #require(models.tokenizer.id(of: "<|im_start|>"))
        #expect(ids.first == start && ids.filter { $0 == start }.count == 3)
        #expect(models.tokenizer.decode(ids) == prompt)
    }

    @Test func aModelWithoutAChatTemplateIsAnErrorNamingTheManifestAndTheFile() throws {
        let (directory, location) = try session(template: nil)
        defer { directory.remove() }
        do {
            _ = try Session.open(location)
            Issue.record("opened without a chat template")
        } catch let error as SessionError {
            guard case .chatFormat(let manifest, let reason) = error else { Issue.record("\(error)"); return }
            #expect(manifest == location.manifest.path)
            #expect(reason.contains(ChatTemplate.configFileName) || reason.contains(ChatTemplate.jinjaFileName), "\(reason)")
            #expect(error.description.contains("[templates] chat = true"))
        }
    }
}
