import TensorCore

/// Keys and values of every layer for the tokens seen so far, preallocated to `capacity`
/// positions so a decode step writes in place and allocates nothing here.
///
///     keys[layer], values[layer]: [B, kvHeads, capacity, headDim]   (first `length` valid)
///
/// Rows of a batch advance together (one column per step); padding slots are remembered in
/// `isToken` and masked out of attention, and `realTokens[b]` gives row b's next position.
public struct KVCache: Sendable {
    public let batch: Int
    public let capacity: Int
    public private(set) var length = 0
    var keys: [Tensor]
    var values: [Tensor]
    /// [B * capacity], false on padding slots (and beyond `length`).
    var isToken: [Bool]
    /// Real tokens per row so far (the RoPE position of that row's next token).
    public private(set) var realTokens: [Int]

    public init(config: ModelConfig, batch: Int = 1, capacity: Int) {
        precondition(batch > 0 && capacity > 0, "KVCache: batch \(batch) and capacity \(capacity) must be positive")
        self.batch = batch
        self.capacity = capacity
        let shape = [batch, config.numKeyValueHeads, capacity, config.headDim]
        keys = (0..<config.numHiddenLayers).map { _ in Tensor.zeros(shape) }
        values = keys.map { _ in Tensor.zeros(shape) }
        isToken = Array(repeating: false, count: batch * capacity)
        realTokens = Array(repeating: 0, count: batch)
    }

    public var remaining: Int { capacity - length }

    /// Positions [B * T] of `count` new slots (`isNew` flags them, nil: all real), and
    /// records the flags.
    mutating func admit(count: Int, isNew: [Bool]?) -> [Int] {
        precondition(length + count <= capacity, "KVCache: \(length) + \(count) tokens exceed capacity \(capacity)")
        var positions = [Int](repeating: 0, count: batch * count)
        for b in 0..<batch {
            for t in 0..<count {
                let real = isNew?[b * count + t] ?? true
                positions[b * count + t] = real ? realTokens[b] : max(realTokens[b] - 1, 0)
                isToken[b * capacity + length + t] = real
                if real { realTokens[b] += 1 }
            }
        }
        return positions
    }

    /// Additive mask [B, length + count] over the keys after admitting `count` slots, or nil
    /// when none of them is padding.
    func keyMask(keys total: Int) -> Tensor? {
        var any = false
        var mask = [Float](repeating: 0, count: batch * total)
        for b in 0..<batch {
            for j in 0..<total where !isToken[b * capacity + j] {
                mask[b * total + j] = -.infinity
                any = true
            }
        }
        return any ? Tensor(mask, shape: [batch, total]) : nil
    }

    mutating func write(layer: Int, keys k: Tensor, values v: Tensor) {
        keys[layer].assign(k, axis: 2, at: length)
        values[layer].assign(v, axis: 2, at: length)
    }

    mutating func advance(by count: Int) { length += count }

    /// Keeps rows `rows` (with repetition) in that order: beam search's reorder after each
    /// step. The batch size stays the same.
    public mutating func selectRows(_ rows: [Int]) {
        precondition(rows.count == batch && rows.allSatisfy { $0 >= 0 && $0 < batch }, "KVCache.selectRows: \(rows)")
        if rows == Array(0..<batch) { return }
        keys = keys.map { Tensor.gatherRows($0, rows) }
        values = values.map { Tensor.gatherRows($0, rows) }
        isToken = rows.flatMap { isToken[($0 * capacity)..<(($0 + 1) * capacity)] }
        realTokens = rows.map { realTokens[$0] }
    }
}

extension Tensor {
    /// Rows of the first axis in the order `rows` (a copy).
    static func gatherRows(_ x: Tensor, _ rows: [Int]) -> Tensor {
        Tensor.concatenate(rows.map { x.rows($0..<($0 + 1)) }, axis: 0)
    }
}
