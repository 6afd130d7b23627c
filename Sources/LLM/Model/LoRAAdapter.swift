import Foundation
import TensorCore

/// The hyper-parameters of one LoRA adapter (PEFT's `LoraConfig`).
public struct LoRAConfiguration: Sendable, Equatable {
    public var rank: Int
    public var alpha: Float
    public var targets: Set<LoRATarget>
    /// Scale alpha / sqrt(r) instead of alpha / r (rank-stabilised LoRA).
    public var useRSLoRA: Bool
    /// Dropout on the adapter's input in training (0: none). Recorded in adapter_config.json.
    public var dropout: Float

    public init(rank: Int, alpha: Float, targets: Set<LoRATarget>, useRSLoRA: Bool = false, dropout: Float = 0) {
        self.rank = rank
        self.alpha = alpha
        self.targets = targets
        self.useRSLoRA = useRSLoRA
        self.dropout = dropout
    }

    /// y = W x + scale * B (A x):  alpha / r, or alpha / sqrt(r) with rsLoRA.
    public var scale: Float {
        useRSLoRA ? alpha / Float(rank).squareRoot() : alpha / Float(rank)
    }
}

/// The two low-rank factors on one projection.
public struct LoRAPair: Sendable {
    /// [r, in]
    public var a: Variable
    /// [out, r]
    public var b: Variable
}

/// A LoRA adapter over a base model: per layer, factors for each targeted projection.
/// A is initialised like PEFT (kaiming-uniform with a = sqrt(5): U(-1/sqrt(in), 1/sqrt(in)))
/// and B at zero, so a fresh adapter leaves the base's output unchanged.
public struct LoRAAdapter: Sendable {
    public var configuration: LoRAConfiguration
    /// `layers[i][target]`
    public var layers: [[LoRATarget: LoRAPair]]

    public init(configuration: LoRAConfiguration, layers: [[LoRATarget: LoRAPair]]) {
        self.configuration = configuration
        self.layers = layers
    }

    /// A fresh adapter for `model`, A random from `seed`, B zero; its factors require
    /// gradients (the trainable parameters).
    public init(for model: LlamaModel, configuration: LoRAConfiguration, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        self.configuration = configuration
        layers = model.layers.enumerated().map { index, layer in
            var pairs: [LoRATarget: LoRAPair] = [:]
            for target in configuration.targets.sorted() {
                let shape = layer.weight(target).shape   // [out, in]
                let name = LoRAAdapter.parameterName(layer: index, target: target)
                let a = Tensor.linearInit(outFeatures: configuration.rank, inFeatures: shape[1], using: &rng)
                pairs[target] = LoRAPair(
                    a: Variable(a, requiresGrad: true, name: name + ".lora_A.weight"),
                    b: Variable(Tensor.zeros([shape[0], configuration.rank]), requiresGrad: true,
                                name: name + ".lora_B.weight"))
            }
            return pairs
        }
    }

    /// `base_model.model.model.layers.{i}.self_attn.q_proj` (PEFT's module path).
    static func parameterName(layer: Int, target: LoRATarget) -> String {
        "base_model.model.model.layers.\(layer).\(target.modulePath)"
    }

    /// Every factor, A before B, layer by layer (the parameters an optimiser trains).
    public var parameters: [Variable] {
        layers.flatMap { pairs in
            pairs.keys.sorted().flatMap { [pairs[$0]!.a, pairs[$0]!.b] }
        }
    }

    /// An independent copy (fresh Variables, same values): a frozen snapshot, e.g. the DPO
    /// reference, that later training of this adapter does not move.
    public func snapshot() -> LoRAAdapter {
        LoRAAdapter(configuration: configuration, layers: layers.map { pairs in
            pairs.mapValues { pair in
                LoRAPair(a: Variable(pair.a.value, name: pair.a.name), b: Variable(pair.b.value, name: pair.b.name))
            }
        })
    }
}
