import Foundation
import LLM
import TensorCore
@testable import Collate
import TestSupport

/// A session on disk with a tiny random model in HF layout (hidden 32, 2 layers, a BPE
/// tokenizer trained on a few sentences, EOS `<|endoftext|>` = id 0), a handful of prompts in
/// each split and, optionally, trained provider adapters in `adapters/iteration-0/`.
struct StageFixture {
    let directory: TemporaryDirectory
    let session: Session

    static let sentences = [
        "Question: Tom has 3 apples and buys 2 more. How many apples does he have?",
        "Reasoning: 3 + 2 = 5 so he has 5 apples. Answer: 5",
        "Sara reads 4 pages a day for 6 days. How many pages does she read?",
        "Each box holds 12 eggs and there are 7 boxes, so there are 84 eggs.",
    ]

    static let questions: [(String, String)] = [
        ("Tom has 3 apples and buys 2 more. How many apples?", "5"),
        ("Sara reads 4 pages a day for 6 days. How many pages?", "24"),
        ("A box holds 12 eggs. How many eggs in 7 boxes?", "84"),
        ("Ann had 9 pens and gave away 4. How many are left?", "5"),
        ("There are 5 cats with 4 legs each. How many legs?", "20"),
        ("Ben saves 3 dollars a week for 4 weeks. How much?", "12"),
        ("A pack has 6 cards. How many cards in 3 packs?", "18"),
    ]

    /// `train`, `validation`, `test` prompts are taken in order from `questions` (cycled).
    init(providers: Int = 2, withAdapters: Bool = true, train: Int = 3, validation: Int = 2, test: Int = 3,
         maxNewTokens: Int = 5, configure: (inout SessionManifest) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory()
        let location = try SessionLocation(name: "stages", sessionsDirectory: directory.url)
        try FileManager.default.createDirectory(at: location.folder, withIntermediateDirectories: true)
        var manifest = SessionManifest(data: TaskDataSpec(format: .gsm8k, train: "train.jsonl"))
        manifest.providerCount = providers
        manifest.decoding.maxNewTokens = maxNewTokens
        // What these tests compare with is greedy decoding, unless a test asks for sampling.
        manifest.decoding.strategy = .greedy
        manifest.decoding.evalStrategy = nil
        configure(&manifest)
        let store = try SessionStore(url: location.store)
        session = Session(location: location, manifest: manifest, store: store)

        var trainer = BPETrainer(vocabularySize: 300)
        for sentence in Self.sentences { trainer.addText(sentence) }
        let tokenizer = try trainer.train()
        let config = ModelConfig(
            modelType: .llama, vocabSize: tokenizer.vocabularySize, hiddenSize: 32, intermediateSize: 48,
            numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, rmsNormEps: 1e-5,
            tieWordEmbeddings: true, maxPositionEmbeddings: 256, eosTokenIDs: [0])
        let model = LlamaModel(randomConfig: config, seed: 11, initializerRange: 0.2)
        try model.save(to: location.resolve(manifest.model), tokenizerJSON: tokenizer.json())

        if withAdapters {
            for provider in 1...providers {
                try Self.trainedAdapter(for: model, seed: UInt64(100 + provider))
                    .save(to: ProviderModels.adapterDirectory(location, iteration: 0, provider: provider))
            }
        }

        let splits = [(DataSplit.train, train), (.validation, validation), (.test, test)]
            .flatMap { split, count in Array(repeating: split, count: count) }
        try store.write { db in
            for (index, split) in splits.enumerated() {
                let (question, answer) = Self.questions[index % Self.questions.count]
                var prompt = PromptRecord(split: split, instruction: question, goldRationale: nil, goldAnswer: answer,
                                          options: nil, sourceFile: "train.jsonl", sourceLine: index + 1,
                                          sourceHash: "h\(index + 1)")
                try prompt.insert(db)
            }
        }
    }

    /// A LoRA adapter with non-zero B, so the provider differs from M_IFT.
    static func trainedAdapter(for model: LlamaModel, seed: UInt64) -> LoRAAdapter {
        let adapter = LoRAAdapter(for: model, configuration: LoRAConfiguration(rank: 2, alpha: 4, targets: [.q, .v, .up]),
                                  seed: seed)
        var rng = SeededRandom(seed: seed + 1)
        for index in adapter.layers.indices {
            for target in adapter.layers[index].keys.sorted() {  // sorted: dictionary order differs per instance
                if let shape = adapter.layers[index][target]?.b.shape {
                    adapter.layers[index][target]?.b.value = Tensor.normal(shape, std: 0.5, using: &rng)
                }
            }
        }
        return adapter
    }

    /// Rows of a table as comparable tuples.
    func generationRows(iteration: Int = 1) throws -> [String] {
        try session.store.generations(iteration: iteration)
            .map { "\($0.promptId)/\($0.iteration)/\($0.provider): \($0.tokenCount) \($0.text)" }
    }

    func remove() { directory.remove() }
}
