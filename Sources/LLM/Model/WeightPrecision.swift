import TensorCore

/// How a model holds its matrices (every linear weight, the embedding and the head) in
/// memory. Norm weights and biases are vectors, tiny, and always stay Float32.
///
/// 16-bit storage halves the bytes a decode step streams (it is bound by memory bandwidth)
/// and the memory the model takes; the kernels widen the words in registers, so the maths is
/// Float32 on the 16-bit values. Loading an F32 checkpoint as `.bfloat16`/`.float16` rounds
/// to nearest even; `.asStored` keeps each tensor as the checkpoint holds it (no rounding,
/// no widening). Training reads 16-bit base weights too (frozen under LoRA); a base weight
/// that is trained becomes Float32 at its first update.
public enum WeightPrecision: String, Sendable, CaseIterable {
    case float32 = "f32", float16 = "f16", bfloat16 = "bf16", asStored = "stored"
    /// ggml's Q8_0 blocks (32 int8 and an F16 scale: 8.5 bits a weight), quantized on load
    /// as ggml does; see `storage(forStored:shape:)` for matrices it cannot hold.
    case q8_0 = "q8_0"

    /// The in-memory encoding of a matrix that the checkpoint (or a model) holds as `stored`.
    public func storage(forStored stored: ScalarEncoding) -> ScalarEncoding {
        switch self {
        case .float32: .float32
        case .float16: .float16
        case .bfloat16: .bfloat16
        case .asStored: stored
        case .q8_0: .q8_0
        }
    }

    /// `storage(forStored:)` for a matrix of `shape`: a block format holds rows of whole
    /// 32-element blocks only, so a matrix whose rows are not (a tiny test model's) stays
    /// Float32, exact, and `matrixStorage` then reports the model as mixed.
    public func storage(forStored stored: ScalarEncoding, shape: [Int]) -> ScalarEncoding {
        let wanted = storage(forStored: stored)
        guard wanted.isBlockQuantized else { return wanted }
        return (shape.last ?? 0) % wanted.blockSize == 0 ? wanted : .float32
    }
}

extension LlamaModel {
    /// A copy of this model (same config, adapters) with its matrices held in `precision`;
    /// `.asStored` keeps each as it is. Tensors that need no conversion are shared, not copied.
    public func withWeightPrecision(_ precision: WeightPrecision) -> LlamaModel {
        let values = Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.variable) })
        var copy = LlamaModel(config: config, layout: layout) { name, shape in
            guard let value = values[name]?.value else { preconditionFailure("withWeightPrecision: no tensor \(name)") }
            return shape.count == 2 ? value.stored(as: precision.storage(forStored: value.storageEncoding, shape: shape)) : value
        }
        for (name, variable) in copy.namedParameters { variable.requiresGrad = values[name]?.requiresGrad ?? false }
        copy.adapters = adapters
        return copy
    }

    /// How the matrices are held: one encoding when all agree (nil for a mixed model, e.g. a
    /// 16-bit model after full fine-tuning widened some of them).
    public var matrixStorage: ScalarEncoding? {
        let encodings = Set(namedParameters.filter { $0.variable.value.rank == 2 }.map { $0.variable.value.storageEncoding })
        return encodings.count == 1 ? encodings.first : nil
    }
}
