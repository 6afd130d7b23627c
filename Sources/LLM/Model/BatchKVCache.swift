import TensorCore

/// The KV cache of a ragged batch: `slots` sequences, each with its own length, allocated
/// once for the whole batch (a decode step writes in place and allocates nothing here).
///
///     keys[layer], values[layer]: [slots, kvHeads, capacity, headDim]
///
/// A slot is reused by the next sequence when its own finishes (`reset(slot:)`): continuous
/// batching keeps the memory at `slots x capacity` positions whatever the number of requests.
/// (SmolLM2-135M, 64 slots of 384 positions: 64 x 384 x 30 layers x 2 x 3 x 64 x 4 bytes = 1.1 GB.)
public struct BatchKVCache: Sendable {
    public let slots: Int
    public let capacity: Int
    var keys: [Tensor]
    var values: [Tensor]
    /// Positions filled in each slot (the position of its next token).
    public private(set) var lengths: [Int]

    public init(config: ModelConfig, slots: Int, capacity: Int) {
        precondition(slots > 0 && capacity > 0, "BatchKVCache: slots \(slots) and capacity \(capacity) must be positive")
        self.slots = slots
        self.capacity = capacity
        let shape = [slots, config.numKeyValueHeads, capacity, config.headDim]
        keys = (0..<config.numHiddenLayers).map { _ in Tensor.zeros(shape) }
        values = keys.map { _ in Tensor.zeros(shape) }
        lengths = Array(repeating: 0, count: slots)
    }

    /// Bytes held by keys and values.
    public var byteCount: Int { 2 * keys.reduce(0) { $0 + $1.count } * MemoryLayout<Float>.size }

    /// Forgets slot `slot`'s sequence (its storage is overwritten by the next one).
    public mutating func reset(slot: Int) { lengths[slot] = 0 }

    mutating func write(layer: Int, keys k: Tensor, values v: Tensor, segments: [AttentionSegment]) {
        keys[layer].writeCache(k, segments: segments)
        values[layer].writeCache(v, segments: segments)
    }

    mutating func advance(slot: Int, by count: Int) { lengths[slot] += count }
}
