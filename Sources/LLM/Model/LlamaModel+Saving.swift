import Foundation
import TensorCore

/// Writing a model as a Hugging Face directory: config.json, tokenizer.json and a single
/// model.safetensors in F32, F16 or BF16 (what transformers and this target both read).
extension LlamaModel {
    /// Writes the directory (created if needed). `tokenizerJSON` is the tokenizer.json text
    /// to store beside the weights.
    public func save(to directory: URL, dtype: ScalarEncoding = .float32, tokenizerJSON: String) throws {
        guard !dtype.isBlockQuantized else { throw QuantizedSaveError(dtype: dtype) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var config = self.config
        config.torchDtype = switch dtype {
        case .float32: "float32"
        case .float16: "float16"
        case .bfloat16: "bfloat16"
        case .q8_0, .q4_0, .q4_1: "float32"  // refused above
        }
        try Data(config.jsonText().utf8).write(to: directory.appendingPathComponent("config.json"), options: .atomic)
        try Data(tokenizerJSON.utf8).write(to: directory.appendingPathComponent("tokenizer.json"), options: .atomic)
        let tensors = namedParameters.map { name, variable in
            SafetensorsTensor(name: name, dtype: SafetensorsDType(rawValue: dtype.rawValue) ?? .f32,
                              shape: variable.shape, values: .bytes(variable.value.littleEndianBytes(encoding: dtype)))
        }
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt"],
                                    to: directory.appendingPathComponent(SafetensorsCheckpoint.singleFileName))
    }

    /// Writes the directory with the tokenizer.json of `source` (a model directory) copied, or
    /// built from the metadata of `source` when it is a GGUF file.
    public func save(to directory: URL, dtype: ScalarEncoding = .float32, copyingTokenizerFrom source: URL) throws {
        if GGUFFile.isGGUF(source) {
            return try save(to: directory, dtype: dtype, tokenizerJSON: GGUFCheckpoint(url: source).tokenizerJSON)
        }
        let tokenizerURL = source.appendingPathComponent("tokenizer.json")
        let text: String
        do { text = try String(contentsOf: tokenizerURL, encoding: .utf8) } catch {
            throw ModelDirectoryError.tokenizer(.unreadable(file: tokenizerURL.path, reason: error.localizedDescription))
        }
        try save(to: directory, dtype: dtype, tokenizerJSON: text)
    }

    /// A copy of the model with `adapter`'s update folded into the base weights
    /// (W' = W + scale * B A) and no adapters: save it for a plain HF checkpoint.
    public func merged(adapter name: String) -> LlamaModel {
        let adapter = resolveAdapter(name)!
        let values = Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.variable.value) })
        // Fresh Variables (same storage until written: copy-on-write) so merging never
        // writes into this model's weights.
        let copy = LlamaModel(config: config, layout: layout) { tensorName, _ in values[tensorName]! }
        for (index, pairs) in adapter.layers.enumerated() {
            for (target, pair) in pairs {
                // [out, r] @ [r, in] -> [out, in]
                let delta = matmul(pair.b.value, pair.a.value) * adapter.configuration.scale
                copy.layers[index].setWeight(target, copy.layers[index].weight(target).value + delta)
            }
        }
        return copy
    }
}

/// safetensors has no dtype for ggml's quantized blocks: a model is saved as F32, F16 or BF16.
public struct QuantizedSaveError: Error, CustomStringConvertible {
    public let dtype: ScalarEncoding
    public var description: String {
        "cannot save model.safetensors as \(dtype.rawValue): safetensors holds F32, F16 or BF16 (quantized weights are dequantized when saved as one of those)"
    }
}
