import Collate
@testable import DemoModel
import Foundation
import LLM
import Testing

let committedModel = demoSessionFolder.appendingPathComponent("model", isDirectory: true)
let committedModelExists = FileManager.default.fileExists(atPath: committedModel.appendingPathComponent("config.json").path)

/// The model shipped in sessions/demo/model (built by `collate demo build`).
@Suite(.enabled(if: committedModelExists, "sessions/demo/model is absent: build it with `collate demo build`"))
struct DemoCommittedModelTests {
    @Test func loadsAndMatchesItsConfig() throws {
        let directory = try ModelDirectory(url: committedModel)
        let model = try LlamaModel(directory: directory)
        let recipe = DemoRecipeConfiguration.standard
        #expect(model.config.hiddenSize == recipe.hiddenSize)
        #expect(model.config.numHiddenLayers == recipe.layers)
        #expect(model.config.numAttentionHeads == recipe.attentionHeads)
        #expect(model.config.numKeyValueHeads == recipe.keyValueHeads)
        #expect(model.config.intermediateSize == recipe.intermediateSize)
        #expect(model.config.tieWordEmbeddings && model.lmHead == nil)
        #expect(model.config.vocabSize == directory.tokenizer.vocabularySize)
        #expect(model.config.eosTokenIDs == [directory.tokenizer.id(of: DemoRecipe.endOfText)].compactMap { $0 })
        #expect(["float16", "bfloat16"].contains(model.config.torchDtype ?? ""))
        let bytes = try FileManager.default.attributesOfItem(
            atPath: committedModel.appendingPathComponent("model.safetensors").path)[.size] as? Int ?? .max
        #expect(bytes <= 20_000_000)
    }

    @Test func answersTestProblemsGivenTheGoldRationale() throws {
        let directory = try ModelDirectory(url: committedModel)
        let manifest = try demoManifest()
        let evaluator = DemoEvaluator(model: try LlamaModel(directory: directory), tokenizer: directory.tokenizer,
                                      templates: manifest.templates)
        let problems = try DemoRecipe.testExamples(manifest: manifest, sessionFolder: demoSessionFolder, count: 5)
        for problem in problems {
            let prompt = MIFTDataset.texts(problem, mode: .answerWithRationale, templates: manifest.templates).prompt
            let answer = evaluator.answer(prompt: prompt)
            #expect(DemoEvaluator.isCorrect(answer, gold: problem.answer), "\(problem.instruction) -> \(answer), gold \(problem.answer)")
        }
    }
}
