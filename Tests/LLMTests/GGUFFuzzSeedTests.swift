import Foundation
import Testing
import TensorCore
import TestSupport
@testable import LLM

/// The GGUF seeds of the fuzz corpus (Tests/WorkbenchTests/FuzzCorpus, fuzzed by FuzzTests):
/// written by `GGUFTestFile`, so that they stay what the reader is meant to open. This test
/// rebuilds them and compares them with the committed bytes; `COLLATE_WRITE_FUZZ_SEEDS=1`
/// writes them instead (after a deliberate change to the helper or the seeds).
@Suite struct GGUFFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("WorkbenchTests/FuzzCorpus")

    /// A whole llama model a mutant of which `ModelDirectory` and `LlamaModel` open: hidden 8,
    /// one layer, two heads over one KV head, the tiny byte-level tokenizer (kept small, so
    /// that mutations land in the metadata about as often as in the tensor data).
    static var tinyLlama: [UInt8] {
        let config = ModelConfig(
            modelType: .llama, vocabSize: 300, hiddenSize: 8, intermediateSize: 8, numHiddenLayers: 1,
            numAttentionHeads: 2, numKeyValueHeads: 1, rmsNormEps: 1e-5, ropeTheta: 10000,
            tieWordEmbeddings: true, maxPositionEmbeddings: 64, eosTokenIDs: [TinyModel.eosID])
        let model = LlamaModel(randomConfig: config, seed: 5, initializerRange: 0.2)
        var file = GGUFModelTests.ggufFile(of: model, fixture: TinyModel.tokenizerFixture, chatTemplate: "{{ messages }}")
        file.add("tokenizer.ggml.bos_token_id", .uint32(UInt32(TinyModel.eosID)))
        return file.bytes
    }

    /// Every metadata value type (nested arrays too), a declared alignment, and a tensor of
    /// each type the dequantizer decodes, with seeded bytes.
    static var everyType: [UInt8] {
        var file = GGUFTestFile()
        file.alignment = 64
        file.add("general.alignment", .uint32(64))
        file.add("general.architecture", .string("llama"))
        file.add("u8", .uint8(200))
        file.add("i8", .int8(-100))
        file.add("u16", .uint16(60000))
        file.add("i16", .int16(-30000))
        file.add("u32", .uint32(4_000_000_000))
        file.add("i32", .int32(-2_000_000_000))
        file.add("u64", .uint64(1 << 40))
        file.add("i64", .int64(-(1 << 40)))
        file.add("f32", .float32(1.5))
        file.add("f64", .float64(-2.25))
        file.add("bool", .bool(true))
        file.add("string", .string("héllo"))
        file.add("nested", .array(elementType: .array, [
            .array(elementType: .uint16, [.uint16(1), .uint16(2)]),
            .array(elementType: .string, [.string("a"), .string("")]),
        ]))
        var rng = SeededRandom(seed: 17)
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(rng.integer(below: 256)) } }
        for type in GGMLType.allCases where type.isDequantizable {
            let rowLength = type.blockSize == 1 ? 4 : type.blockSize
            let rows = type.blockSize == 1 ? 3 : 1
            file.addTensor("t.\(type.name.lowercased())", type, dimensions: [rowLength, rows],
                           data: bytes(type.byteCount(rowLength: rowLength, rows: rows) ?? 0))
        }
        return file.bytes
    }

    static let seeds: [(name: String, bytes: [UInt8])] = [("tiny-llama.gguf", tinyLlama), ("every-type.gguf", everyType)]

    @Test func theCommittedGGUFSeedsAreWhatTheHelperWritesAndOpen() throws {
        let write = ProcessInfo.processInfo.environment["COLLATE_WRITE_FUZZ_SEEDS"] == "1"
        let directory = try TemporaryDirectory()
        for (name, bytes) in Self.seeds {
            let url = Self.corpus.appendingPathComponent(name)
            if write { try Data(bytes).write(to: url) }
            #expect(try [UInt8](Data(contentsOf: url)) == bytes,
                    "\(name) differs from what GGUFFuzzSeedTests writes: rerun with COLLATE_WRITE_FUZZ_SEEDS=1")
            // Each seed opens: the fuzz loop starts from valid files.
            let file = try GGUFFile(url: directory.file(name, bytes: bytes))
            for tensor in file.tensorNames { _ = try file.floats(tensor) }
        }
        let model = try ModelDirectory(url: directory.file("tiny-llama.gguf", bytes: Self.tinyLlama))
        #expect(model.config.hiddenSize == 8 && model.config.numHiddenLayers == 1)
        #expect(model.tokenizer.encode("the ab") == (try TinyModel.tokenizerFixture.tokenizer()).encode("the ab"))
        _ = try LlamaModel(directory: model)
        let every = try GGUFFile(url: directory.file("every-type.gguf", bytes: Self.everyType))
        #expect(every.header.alignment == 64 && every.header.metadata.count == 15)
        #expect(every.tensorNames.count == GGMLType.allCases.filter(\.isDequantizable).count)
    }
}
