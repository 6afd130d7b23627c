import TensorCore

/// The order in which a run visits its pairs: each epoch a fresh shuffle of 0..<count that is
/// a pure function of (seed, epoch), so a checkpoint only needs the epoch and the index.
struct DataOrder {
    let count: Int
    let seed: UInt64
    private var cachedEpoch = -1
    private var cachedOrder: [Int] = []

    init(count: Int, seed: UInt64) {
        self.count = count
        self.seed = seed
    }

    /// Indices of the pairs of epoch `epoch`, shuffled.
    mutating func order(epoch: Int) -> [Int] {
        if epoch != cachedEpoch {
            // Collate's SplitMix64 mixes (seed, epoch) into an unrelated stream per epoch.
            var mixer = SplitMix64(seed: seed, keys: [0x4450_4F5F_4F52_4445, UInt64(epoch)])
            var random = SeededRandom(seed: mixer.next())
            cachedOrder = random.permutation(count)
            cachedEpoch = epoch
        }
        return cachedOrder
    }

    /// The next batch from `position` (at most `batchSize` pairs, never across an epoch's
    /// end) and the position after it.
    mutating func batch(at position: DataPosition, batchSize: Int) -> (indices: [Int], next: DataPosition) {
        let order = order(epoch: position.epoch)
        let end = min(position.index + batchSize, count)
        let indices = Array(order[position.index..<end])
        let next = end == count ? DataPosition(epoch: position.epoch + 1, index: 0)
                                : DataPosition(epoch: position.epoch, index: end)
        return (indices, next)
    }

    /// A fingerprint of the pairs (their ids, in the order given): a checkpoint written for
    /// other pairs is refused.
    static func digest(pairIDs: [Int64]) -> UInt64 {
        var writer = CheckpointByteWriter()
        writer.append(pairIDs.count)
        for id in pairIDs { writer.append(UInt64(bitPattern: id)) }
        return CheckpointChecksum.of(writer.bytes, count: writer.bytes.count)
    }
}
