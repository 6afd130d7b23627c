/// A node of the autograd graph: a value, its gradient, and how it was made.
///
/// ```swift
/// let w = Variable(Tensor.normal([4, 3], using: &rng), requiresGrad: true)   // a parameter
/// let x = Variable(input)                                                    // a constant
/// let loss = (matmul(x, w)).square().mean()
/// loss.backward()                  // w.grad is now d loss / d w
/// w.requiresGrad = false           // frozen: later graphs compute no gradient for it
/// ```
/// Each op makes its output `Variable` with a backward rule that maps the output gradient to
/// its inputs' gradients (micrograd/tinygrad style; the rules sit beside the ops in
/// `Variable+*.swift`). `backward()` orders the graph topologically and sweeps it in reverse;
/// the engine un-broadcasts each input gradient to the input's shape and accumulates, in a
/// fixed order, so gradients are bitwise reproducible. In `withNoGrad` nothing is recorded.
/// Like PyTorch without `retain_graph`, `backward()` consumes the graph: each node drops
/// its rule and inputs once swept, so activations are freed during the sweep and the
/// tensors captured by rules (including parameter values) are no longer shared when the
/// optimiser updates them in place.
///
/// A reference type with mutable state: `@unchecked Sendable` so a model can be handed to a
/// training thread, but a graph must be used by one thread at a time.
public final class Variable: @unchecked Sendable {
    /// Maps the output gradient to one gradient per input (nil for inputs that need none).
    /// `needsGradient[i]` says whether input i requires a gradient; rules skip the others.
    public typealias BackwardRule = (_ outputGradient: Tensor, _ needsGradient: [Bool]) -> [Tensor?]

    public var value: Tensor
    /// Accumulated d(root)/d(self) after `backward()`; nil until then. Leaves keep it,
    /// intermediate nodes drop it once propagated (memory).
    public var grad: Tensor?
    /// Whether gradients flow to this node. Setting it false on a leaf freezes a parameter.
    public var requiresGrad: Bool
    /// Optional name for parameters (optimiser state is keyed by it) and debugging.
    public var name: String?

    /// The op's inputs, in argument order (empty for leaves and for no-grad results, and
    /// once `backward()` has consumed the node).
    public internal(set) var inputs: [Variable]
    var backwardRule: BackwardRule?
    /// Set when `backward()` has used and released this node's rule.
    var consumed = false

    /// A leaf: a parameter (`requiresGrad: true`) or a constant.
    public init(_ value: Tensor, requiresGrad: Bool = false, name: String? = nil) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.name = name
        self.inputs = []
        self.backwardRule = nil
    }

    private init(value: Tensor, inputs: [Variable], rule: @escaping BackwardRule) {
        self.value = value
        self.requiresGrad = true
        self.inputs = inputs
        self.backwardRule = rule
    }

    /// The output of an op over `inputs`. Records `rule` only when grad mode is on and some
    /// input requires a gradient; otherwise the result is a plain constant.
    public static func record(_ value: Tensor, inputs: [Variable],
                              rule: @escaping BackwardRule) -> Variable {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else {
            return Variable(value)
        }
        return Variable(value: value, inputs: inputs, rule: rule)
    }

    public var shape: [Int] { value.shape }

    /// True for leaves (parameters and constants).
    public var isLeaf: Bool { backwardRule == nil && !consumed }

    /// Clears this leaf's gradient (call on parameters between steps).
    public func zeroGrad() { grad = nil }

    /// A constant with the same value, cut from the graph.
    public func detached() -> Variable { Variable(value) }

    /// Number of recorded nodes reachable from here, including self when recorded (0 for a
    /// constant). Tests use it to show that no-grad mode records nothing.
    public var recordedNodeCount: Int {
        topologicalOrder().filter { $0.backwardRule != nil }.count
    }
}
