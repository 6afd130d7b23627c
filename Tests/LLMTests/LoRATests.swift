import Foundation
import Testing
import TensorCore
@testable import LLM
import TestSupport

@Suite struct LoRATests {
    @Test func freshAdapterChangesNothingAndStartsWithZeroB() {
        var model = TinyModel.model(tied: false, qkvBias: true)
        let ids = TinyModel.randomIDs(6, seed: 2)
        let base = model.logits(ids: ids)
        model.adapters["fresh"] = LoRAAdapter(for: model, configuration: LoRAConfiguration(rank: 4, alpha: 8, targets: Set(LoRATarget.allCases)), seed: 3)
        let pair = model.adapters["fresh"]!.layers[1][.q]!
        #expect(pair.a.shape == [4, 32] && pair.b.shape == [32, 4])
        #expect(pair.b.value.scalars.allSatisfy { $0 == 0 })
        // PEFT's kaiming-uniform(a = sqrt(5)) bound for fan-in 32 is 1/sqrt(32).
        let bound = 1 / Float(32).squareRoot()
        #expect(pair.a.value.scalars.allSatisfy { abs($0) <= bound } && pair.a.value.scalars.contains { abs($0) > bound / 2 })
        #expect(model.logits(ids: ids, adapter: "fresh").isBitwiseEqual(base))
    }

    @Test func adaptersAreChosenPerCall() {
        var model = TinyModel.model()
        let ids = TinyModel.randomIDs(5, seed: 4)
        model.adapters["one"] = TinyModel.trainedAdapter(for: model, targets: [.q, .v], seed: 10)
        model.adapters["two"] = TinyModel.trainedAdapter(for: model, targets: [.down], seed: 20)
        let base = model.logits(ids: ids).scalars
        let one = model.logits(ids: ids, adapter: "one").scalars
        let two = model.logits(ids: ids, adapter: "two").scalars
        #expect(maxAbsDifference(base, one) > 1e-3 && maxAbsDifference(base, two) > 1e-3 && maxAbsDifference(one, two) > 1e-3)
        #expect(model.logits(ids: ids).scalars == base)   // the base is untouched by adapters
    }

    @Test(arguments: [false, true]) func mergedModelEqualsTheUnmergedForward(_ rsLoRA: Bool) throws {
        var model = TinyModel.model(.qwen2, tied: false, qkvBias: true)
        model.adapters["a"] = TinyModel.trainedAdapter(for: model, rsLoRA: rsLoRA)
        let ids = TinyModel.randomIDs(7, seed: 6)
        let adapted = model.logits(ids: ids, adapter: "a").scalars
        let merged = model.merged(adapter: "a")
        #expect(merged.adapters.isEmpty)
        let difference = maxAbsDifference(merged.logits(ids: ids).scalars, adapted)
        #expect(difference <= 1e-4, "max abs diff \(difference)")
        #expect(maxAbsDifference(model.logits(ids: ids).scalars, adapted) > 1e-3)   // base unchanged
        // Saved merged model reloads to the same logits.
        let directory = try TemporaryDirectory()
        let base = directory.url.appendingPathComponent("base"), out = directory.url.appendingPathComponent("merged")
        try model.save(to: base, tokenizerJSON: TinyModel.tokenizerFixture.json)
        try merged.save(to: out, copyingTokenizerFrom: base)
        let reloaded = try LlamaModel(directory: try ModelDirectory(url: out))
        #expect(reloaded.logits(ids: ids).isBitwiseEqual(merged.logits(ids: ids)))
    }

    @Test func scaleIsAlphaOverRankOrOverItsSquareRoot() {
        #expect(LoRAConfiguration(rank: 16, alpha: 32, targets: [.q]).scale == 2)
        #expect(LoRAConfiguration(rank: 16, alpha: 32, targets: [.q], useRSLoRA: true).scale == 8)
    }

    @Test func peftDirectoryRoundTrips() throws {
        var model = TinyModel.model(tied: false)
        let adapter = TinyModel.trainedAdapter(for: model, targets: [.q, .k, .o, .up], rank: 2, alpha: 5, rsLoRA: true)
        let directory = try TemporaryDirectory()
        try adapter.save(to: directory.url, baseModel: "tiny")
        let file = try SafetensorsFile(url: directory.url.appendingPathComponent("adapter_model.safetensors"))
        #expect(try file.info("base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight").shape == [2, 32])
        #expect(try file.info("base_model.model.model.layers.0.mlp.up_proj.lora_B.weight").shape == [48, 2])
        #expect(file.tensorNames.count == 2 * 4 * 2)
        let config = try JSONParser.parse(Data(contentsOf: directory.url.appendingPathComponent("adapter_config.json"))).objectValue
        #expect(config?["peft_type"]?.stringValue == "LORA" && config?["r"]?.intValue == 2)
        #expect(config?["target_modules"]?.arrayValue?.compactMap(\.stringValue) == ["q_proj", "k_proj", "o_proj", "up_proj"])
        let loaded = try LoRAAdapter(contentsOf: directory.url, for: model)
        #expect(loaded.configuration == adapter.configuration)
        model.adapters["saved"] = adapter
        model.adapters["loaded"] = loaded
        let ids = TinyModel.randomIDs(5, seed: 8)
        #expect(model.logits(ids: ids, adapter: "loaded").isBitwiseEqual(model.logits(ids: ids, adapter: "saved")))
    }

    @Test func peftDirectoryWithAMissingFactorNamesIt() throws {
        let model = TinyModel.model()
        let directory = try TemporaryDirectory()
        try TinyModel.trainedAdapter(for: model, targets: [.v]).save(to: directory.url)
        // Claim a target the weights file does not hold.
        let configURL = directory.url.appendingPathComponent("adapter_config.json")
        let text = try String(contentsOf: configURL, encoding: .utf8).replacingOccurrences(of: "\"v_proj\"", with: "\"v_proj\", \"gate_proj\"")
        try text.write(to: configURL, atomically: true, encoding: .utf8)
        let error = #expect(throws: PEFTAdapterError.self) { try LoRAAdapter(contentsOf: directory.url, for: model) }
        #expect(error?.reason.contains("layers.0.mlp.gate_proj.lora_A.weight") == true)
    }

    /// d loss / d A for one LoRA element against central finite differences, and no
    /// gradient at all for the frozen base.
    @Test func loraGradientMatchesFiniteDifferences() {
        var model = TinyModel.model(.qwen2, tied: false, qkvBias: true)
        model.adapters["a"] = TinyModel.trainedAdapter(for: model, targets: [.q, .v, .down], rank: 2, alpha: 4)
        let batch = TokenBatch(rows: [TinyModel.randomIDs(6, seed: 1), TinyModel.randomIDs(4, seed: 2)])
        let t = batch.length
        var targets = [Int](repeating: 0, count: 2 * t), mask = [Bool](repeating: false, count: 2 * t)
        for row in 0..<2 {
            for p in 0..<(t - 1) where batch.isToken[row * t + p + 1] {
                targets[row * t + p] = batch.ids[row * t + p + 1]
                mask[row * t + p] = true
            }
        }
        func loss() -> Variable {
            let logits = model.trainingLogits(batch, adapter: "a").reshaped([2 * t, model.config.vocabSize])
            return crossEntropy(logits: logits, targets: targets, mask: mask)
        }
        let value = loss()
        value.backward()
        for (name, parameter) in model.namedParameters { #expect(parameter.grad == nil, "\(name) got a gradient") }
        for target: LoRATarget in [.q, .down] {
            let a = model.adapters["a"]!.layers[0][target]!.a
            let gradient = a.grad!.scalars
            let index = gradient.indices.max { abs(gradient[$0]) < abs(gradient[$1]) }!
            let original = a.value.scalars[index]
            let eps: Float = 1e-2
            func lossAt(_ x: Float) -> Float {
                var changed = a.value.scalars
                changed[index] = x
                a.value = Tensor(changed, shape: a.shape)
                return withNoGrad { loss().value.item }
            }
            let numeric = (lossAt(original + eps) - lossAt(original - eps)) / (2 * eps)
            _ = lossAt(original)
            #expect(abs(gradient[index]) > 1e-3)
            #expect(abs(numeric - gradient[index]) <= 0.03 * abs(gradient[index]) + 1e-4,
                    "\(target): analytic \(gradient[index]), numeric \(numeric)")
        }
    }
}

extension LoRATests {
    @Test(arguments: [#""use_dora": true"#, #""rank_pattern": {"q_proj": 8}"#, #""layers_to_transform": [0]"#])
    func peftOptionsThatChangeTheMathsAreRefused(_ option: String) throws {
        let model = TinyModel.model()
        let directory = try TemporaryDirectory()
        try TinyModel.trainedAdapter(for: model, targets: [.v]).save(to: directory.url)
        let configURL = directory.url.appendingPathComponent("adapter_config.json")
        let text = try String(contentsOf: configURL, encoding: .utf8).replacingOccurrences(of: "\"bias\"", with: "\(option), \"bias\"")
        try text.write(to: configURL, atomically: true, encoding: .utf8)
        let error = #expect(throws: PEFTAdapterError.self) { try LoRAAdapter(contentsOf: directory.url, for: model) }
        #expect(error?.file == configURL.path && error?.reason.contains("not supported") == true)
    }
}
