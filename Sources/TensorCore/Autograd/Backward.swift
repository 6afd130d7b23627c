/// The reverse sweep.
extension Variable {
    /// Nodes reachable from `self` through inputs that require gradients, inputs before
    /// the nodes that use them. Iterative DFS (deep graphs must not overflow the stack);
    /// the order depends only on the graph, never on addresses, so sweeps are reproducible.
    func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        // (node, index of the next input to visit)
        var stack: [(Variable, Int)] = []
        guard requiresGrad else { return [] }
        visited.insert(ObjectIdentifier(self))
        stack.append((self, 0))
        while let (node, next) = stack.popLast() {
            if next < node.inputs.count {
                stack.append((node, next + 1))
                let input = node.inputs[next]
                if input.requiresGrad && visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }

    /// Back-propagates from this node. `gradient` defaults to ones (d self / d self) and
    /// must otherwise have this node's shape. Leaves requiring gradients accumulate into
    /// `grad` (call `zeroGrad()` between steps); intermediate gradients are released, and
    /// the graph is consumed (a second `backward()` through it is a programming error).
    public func backward(gradient: Tensor? = nil) {
        precondition(!consumed, "backward: this graph was already consumed by an earlier backward()")
        precondition(requiresGrad, "backward: this value does not depend on anything that requires a gradient")
        let seed = gradient ?? Tensor.ones(value.shape)
        precondition(seed.shape == value.shape, "backward: gradient \(seed.shape) for value \(value.shape)")
        var order = topologicalOrder()
        accumulate(seed)
        // Popping from the end walks users before their inputs and lets each swept node go.
        while let node = order.popLast() {
            guard let rule = node.backwardRule else { continue }
            defer { node.release() }
            guard let outputGradient = node.grad else { continue }
            let needs = node.inputs.map(\.requiresGrad)
            let inputGradients = rule(outputGradient, needs)
            precondition(inputGradients.count == node.inputs.count, "backward: rule returned \(inputGradients.count) gradients for \(node.inputs.count) inputs")
            for (input, gradient) in zip(node.inputs, inputGradients) where input.requiresGrad {
                guard let gradient else { continue }
                // The one place where broadcasting is undone.
                input.accumulate(gradient.summed(toShape: input.value.shape))
            }
        }
    }

    /// Drops what a swept node holds: its gradient, rule (and the tensors it captured) and
    /// inputs.
    private func release() {
        grad = nil
        backwardRule = nil
        inputs = []
        consumed = true
    }

    func accumulate(_ gradient: Tensor) {
        if grad == nil {
            grad = gradient
        } else {
            grad!.addInPlace(gradient)
        }
    }
}
