import Foundation
import LLM
import Testing
@testable import Collate
import TestSupport

/// The files `collate export` writes for LLaMA-Factory, vLLM and TRL's training settings: their
/// schemas (key names as the peers document them) and the values read back.
@Suite struct ExportFormatsTests {
    static func row(_ id: Int64, source: LabelSource = .auto) -> PreferenceRow {
        PreferenceRow(prompt: "Q: \(id)?\nR:\n", chosen: "good \(id)", rejected: "bad \(id)", promptID: id, chosenProvider: 1,
                      rejectedProvider: 2, scoreChosen: 0.75, scoreRejected: 0.25, labelSource: source,
                      refChosenLogps: -12.5, refRejectedLogps: -20.25)
    }

    @Test func llamaFactoryRowsAreAlpacaPreferenceRows() throws {
        let rows = LlamaFactoryExport.rows([Self.row(1), Self.row(2)])
        let data = try JSONEncoder().encode(rows)
        let objects = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: String]])
        #expect(objects.count == 2)
        #expect(Set(objects[0].keys) == ["instruction", "input", "chosen", "rejected"])
        #expect(objects[1] == ["instruction": "Q: 2?\nR:\n", "input": "", "chosen": "good 2", "rejected": "bad 2"])
    }

    @Test func llamaFactoryDatasetInfoEntryHasTheDocumentedKeys() throws {
        let info = LlamaFactoryExport.DatasetInfo(fileName: "d.json", ranking: true, columns: .init(
            prompt: "instruction", query: "input", chosen: "chosen", rejected: "rejected"))
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(["d": info])) as? [String: [String: Any]])
        let entry = try #require(object["d"])
        #expect(Set(entry.keys) == ["file_name", "ranking", "columns"])
        #expect(entry["ranking"] as? Bool == true && entry["file_name"] as? String == "d.json")
        #expect(entry["columns"] as? [String: String] == ["prompt": "instruction", "query": "input", "chosen": "chosen", "rejected": "rejected"])
        #expect(LlamaFactoryExport.datasetName(session: "gsm", iteration: 2, provider: 3) == "collate_gsm_iteration2_provider3")
    }

    static func metadata() -> DPOExportMetadata {
        DPOExportMetadata(
            format: DPOExportMetadata.formatVersion, session: "gsm", iteration: 2, provider: 1, baseModel: "/m",
            referenceAdapter: "reference_adapter", trainFile: "train.jsonl", pairs: 3, labelSources: ["auto": 2, "human": 1],
            labels: .init(trainPrompts: 5, unlabelled: 1, chosen: 2, keptFiltered: 1, filtered: 1, dropped: 0),
            optimisation: .init(beta: 0.1, lossType: "ipo", sftWeight: 0.5, learningRate: 5e-5, lrSchedulerType: "cosine", warmupRatio: 0.1,
                                maxGradNorm: 1, weightDecay: 0, adamBeta1: 0.9, adamBeta2: 0.999, adamEpsilon: 1e-8,
                                totalBatchSize: 4, numTrainEpochs: 1, maxSteps: nil, seed: 7),
            lora: .init(r: 8, loraAlpha: 16, loraDropout: 0, targetModules: ["q_proj", "v_proj"]),
            tokenBoundaries: DPOExportMetadata.tokenRule, createdAt: "2026-11-29T08:00:00Z")
    }

    @Test func exportMetadataUsesHFNamesAndRoundTrips() throws {
        let metadata = Self.metadata()
        let data = try DPOExportMetadata.encoder().encode(metadata)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let optimisation = try #require(object["optimisation"] as? [String: Any])
        #expect(Set(optimisation.keys) == ["beta", "loss_type", "sft_weight", "learning_rate", "lr_scheduler_type", "warmup_ratio",
                                           "max_grad_norm", "weight_decay", "adam_beta1", "adam_beta2", "adam_epsilon",
                                           "total_batch_size", "num_train_epochs", "seed"])  // max_steps absent when unset
        #expect(object["reference_adapter"] as? String == "reference_adapter" && object["base_model"] as? String == "/m")
        #expect((object["labels"] as? [String: Int])?["kept_filtered"] == 1)
        #expect(try DPOExportMetadata.decoder().decode(DPOExportMetadata.self, from: data) == metadata)
    }

    @Test func cardFrontMatterPointsLoadDatasetAtTheTrainFile() {
        let card = Self.metadata().card()
        #expect(card.hasPrefix("---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: train.jsonl\n"))
        #expect(card.contains("Label sources of these pairs: auto 2, human 1."))
        #expect(card.contains("2 chosen pairs, 1 kept although filtered,\n  1 filtered out, 0 dropped by a person, 1 without a label."))
        #expect(card.contains("| loss_type | ipo, sft (loss_weights 1, 0.5) |"))
        #expect(card.contains("`--dataset train.jsonl --prompt_key prompt --chosen_key chosen\n--rejected_key rejected`"))
    }

    @Test func vllmWarningsFollowItsRankSetAndModules() {
        func config(_ pairs: [(String, LLM.JSONValue)]) -> JSONObject { JSONObject(pairs.map { (key: $0.0, value: $0.1) }) }
        let targets = LLM.JSONValue.array([.string("q_proj"), .string("v_proj")])
        #expect(VLLMCompatibility.warnings(config: config([("r", .int(16)), ("target_modules", targets)])).isEmpty)
        #expect(VLLMCompatibility.warnings(config: config([("r", .int(17)), ("target_modules", targets)]))
                == ["rank 17 is over vLLM's default max LoRA rank of 16: serve with --max-lora-rank 32"])
        #expect(VLLMCompatibility.warnings(config: config([("r", .int(600))])).first?.contains("cannot serve") == true)
        let lmHead = VLLMCompatibility.warnings(config: config([("r", .int(8)), ("target_modules", .array([.string("lm_head"), .string("q_proj")]))]))
        #expect(lmHead.count == 1 && lmHead[0].hasPrefix("target_modules lm_head: vLLM serves LoRA only on"))
        #expect(VLLMCompatibility.warnings(config: config([("r", .int(8)), ("modules_to_save", .array([.string("lm_head")]))]))
                == ["modules_to_save is set: vLLM rejects adapters with modules_to_save"])
        #expect([1, 4, 8, 9, 16, 300, 512].map { VLLMCompatibility.maxLoRARank(for: $0) } == [1, 8, 8, 16, 16, 320, 512])
        #expect(VLLMCompatibility.maxLoRARank(for: 513) == nil)
    }

    @Test func serveCommandLine() throws {
        let command = VLLMServeCommand(base: "/s/mift", modules: [
            .init(name: "provider-1", path: "/s/adapters/iteration-2/provider-1", rank: 4),
            .init(name: "provider-2", path: "/my sessions/provider-2", rank: 12),
        ])
        #expect(try command.commandLine() == "vllm serve /s/mift --enable-lora --lora-modules "
                + "provider-1=/s/adapters/iteration-2/provider-1 'provider-2=/my sessions/provider-2' --max-lora-rank 16 --max-loras 2")
        #expect(VLLMServeCommand.shellQuoted("it's") == #"'it'\''s'"#)
        #expect(throws: VLLMServeCommand.Error.rankTooLarge(1024)) {
            try VLLMServeCommand(base: "/b", modules: [.init(name: "p", path: "/p", rank: 1024)]).arguments()
        }
    }

    /// Replacing two files in a row keeps both (FileManager.replaceItemAt lost the second on Linux).
    @Test func atomicWritesReplaceExistingFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = ["a.jsonl", "b.jsonl"].map { directory.url.appendingPathComponent($0) }
        for round in 1...2 {
            for file in files { try Session.writeAtomically(Data("\(round) \(file.lastPathComponent)".utf8), to: file) }
        }
        #expect(try files.map { try String(contentsOf: $0, encoding: .utf8) } == ["2 a.jsonl", "2 b.jsonl"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["a.jsonl", "b.jsonl"])
    }

    @Test func learningRateSchedules() {
        var configuration = DPOTrainingConfiguration(beta: 0.1, loss: .sigmoid, learningRate: 1e-3, batchSize: 1, epochs: 1,
                                                     maxSteps: 10, checkpointEvery: 5, seed: 0)
        configuration.warmupRatio = 0.2   // ceil(10 * 0.2) = 2 warm-up steps
        configuration.scheduler = .constant
        #expect((0..<4).map { configuration.learningRate(afterSteps: $0, totalSteps: 10) } == [0, 5e-4, 1e-3, 1e-3])
        configuration.scheduler = .cosine
        let cosine = (0..<11).map { configuration.learningRate(afterSteps: $0, totalSteps: 10) }
        #expect(cosine[1] == 5e-4 && cosine[2] == 1e-3 && abs(cosine[6] - 5e-4) < 1e-9 && cosine[10] == 0)
        configuration.warmupRatio = 0
        configuration.scheduler = .constant
        #expect(configuration.learningRate(afterSteps: 0, totalSteps: 10) == 1e-3)
    }

    @Test func manifestReadsTheOptimiserKeys() throws {
        let m = try SessionManifest.parse("""
            [data]
            train = "t.jsonl"
            [dpo]
            lr_scheduler = "constant"
            warmup_ratio = 0.0
            max_grad_norm = 0.0
            weight_decay = 0.01
            """)
        #expect(m.dpo.scheduler == .constant && m.dpo.warmupRatio == 0 && m.dpo.maxGradNorm == 0 && m.dpo.weightDecay == 0.01)
        let configuration = DPOTrainingConfiguration(manifest: m)
        #expect(configuration.scheduler == .constant && configuration.maxGradNorm == 0 && configuration.weightDecay == 0.01)
        #expect(throws: ManifestError.self) { try SessionManifest.parse("[data]\ntrain = \"t.jsonl\"\n[dpo]\nlr_scheduler = \"linear\"\n") }
        #expect(throws: ManifestError.self) { try SessionManifest.parse("[data]\ntrain = \"t.jsonl\"\n[dpo]\nmax_grad_norm = -1.0\n") }
    }
}
