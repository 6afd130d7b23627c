import ArgumentParser
import Foundation
import LLM
import TensorCore

/// `collate model import-gguf FILE --out DIR`: a llama-architecture GGUF file as a Hugging
/// Face directory (dequantized), for transformers, PEFT, vLLM or a session's `model =`.
struct ModelImportGGUFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-gguf",
        abstract: "Write a GGUF file as a Hugging Face directory (config.json, tokenizer.json, tokenizer_config.json with the chat template, model.safetensors).")
    @Argument(help: "A llama-architecture .gguf file (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K or Q6_K tensors).")
    var file: String
    @Option(help: "The directory to write (created; must not hold a model already).")
    var out: String
    @Option(name: .customLong("weights"), help: "The dtype of model.safetensors: f32, f16 or bf16 (quantized tensors are dequantized).")
    var weights: String = "f32"

    func run() throws {
        let dtype: ScalarEncoding
        switch weights {
        case "f32": dtype = .float32
        case "f16": dtype = .float16
        case "bf16": dtype = .bfloat16
        default: throw ValidationError("--weights must be f32, f16 or bf16, not \(weights)")
        }
        let target = URL(fileURLWithPath: out)
        if ModelDirectory.isPresent(at: target) {
            throw ValidationError("\(out) already holds a model (config.json); choose another --out")
        }
        let checkpoint = try GGUFCheckpoint(url: URL(fileURLWithPath: file))
        try GGUFImport.write(checkpoint, to: target, dtype: dtype)
        print("wrote \(out) (\(checkpoint.layout.parameterCount) parameters, \(dtype.rawValue))")
    }
}
