import TensorCore

/// Draws training batches: epochs of a seeded permutation of the problems, each draw
/// assigned one of the three modes at random. Its whole state is saved in a checkpoint, so
/// a resumed build draws exactly the batches an uninterrupted one would.
public struct MIFTSampler: Sendable, Equatable, Codable {
    public struct Draw: Sendable, Equatable {
        public var problem: Int
        public var mode: Int
    }

    public private(set) var rng: SeededRandom.State
    public private(set) var order: [Int]
    public private(set) var cursor: Int
    public private(set) var epoch: Int
    public let problemCount: Int

    public init(problemCount: Int, seed: UInt64) {
        precondition(problemCount > 0, "MIFTSampler: no problems to draw from")
        self.problemCount = problemCount
        rng = SeededRandom(seed: seed).state
        order = []
        cursor = 0
        epoch = 0
    }

    public mutating func nextBatch(size: Int) -> [Draw] {
        var generator = SeededRandom(state: rng)
        var draws: [Draw] = []
        draws.reserveCapacity(size)
        while draws.count < size {
            if cursor >= order.count {
                if !order.isEmpty { epoch += 1 }
                order = generator.permutation(problemCount)
                cursor = 0
            }
            draws.append(Draw(problem: order[cursor], mode: generator.integer(below: MIFTDataset.modes.count)))
            cursor += 1
        }
        rng = generator.state
        return draws
    }
}
