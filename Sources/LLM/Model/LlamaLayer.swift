import TensorCore

/// The projections LoRA can adapt, named as PEFT's `target_modules` names them.
public enum LoRATarget: String, Sendable, CaseIterable, Codable, Comparable {
    case q = "q_proj", k = "k_proj", v = "v_proj", o = "o_proj"
    case gate = "gate_proj", up = "up_proj", down = "down_proj"

    /// The module path inside a decoder layer: `self_attn.q_proj`, `mlp.gate_proj`, ...
    public var modulePath: String {
        switch self {
        case .q, .k, .v, .o: "self_attn.\(rawValue)"
        case .gate, .up, .down: "mlp.\(rawValue)"
        }
    }

    public static func < (a: LoRATarget, b: LoRATarget) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One decoder layer's parameters. Linear weights are `[out, in]` as in the checkpoint.
/// Every parameter is a `Variable` leaf: the training path records through it, the inference
/// path reads its `value` (the same storage, no copy).
public struct LlamaLayer: Sendable {
    /// [hidden]
    public var inputNorm: Variable
    /// [heads * headDim, hidden]
    public var q: Variable
    /// [kvHeads * headDim, hidden]
    public var k: Variable
    /// [kvHeads * headDim, hidden]
    public var v: Variable
    /// [hidden, heads * headDim]
    public var o: Variable
    /// [heads * headDim], [kvHeads * headDim] x 2 (Qwen2), nil without biases
    public var qBias: Variable?, kBias: Variable?, vBias: Variable?
    /// [hidden] (Llama with attention_bias), usually nil
    public var oBias: Variable?
    /// [hidden]
    public var postAttentionNorm: Variable
    /// [intermediate, hidden]
    public var gate: Variable
    /// [intermediate, hidden]
    public var up: Variable
    /// [hidden, intermediate]
    public var down: Variable

    public func weight(_ target: LoRATarget) -> Variable {
        switch target {
        case .q: q
        case .k: k
        case .v: v
        case .o: o
        case .gate: gate
        case .up: up
        case .down: down
        }
    }

    public func bias(_ target: LoRATarget) -> Variable? {
        switch target {
        case .q: qBias
        case .k: kBias
        case .v: vBias
        case .o: oBias
        case .gate, .up, .down: nil
        }
    }

    func setWeight(_ target: LoRATarget, _ value: Tensor) {
        switch target {
        case .q: q.value = value
        case .k: k.value = value
        case .v: v.value = value
        case .o: o.value = value
        case .gate: gate.value = value
        case .up: up.value = value
        case .down: down.value = value
        }
    }

    /// Parameters with their checkpoint suffixes (`self_attn.q_proj.weight`, ...).
    var namedParameters: [(suffix: String, variable: Variable)] {
        var list: [(String, Variable)] = [("input_layernorm.weight", inputNorm)]
        for target in [LoRATarget.q, .k, .v, .o] {
            list.append(("\(target.modulePath).weight", weight(target)))
            if let bias = bias(target) { list.append(("\(target.modulePath).bias", bias)) }
        }
        list.append(("post_attention_layernorm.weight", postAttentionNorm))
        for target in [LoRATarget.gate, .up, .down] { list.append(("\(target.modulePath).weight", weight(target))) }
        return list
    }
}
