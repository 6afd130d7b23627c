import TensorCore

/// Draws training batches: epochs of a seeded permutation of the problems, each draw
/// assigned one of the three modes at random, in proportion to `modeWeights`. Its whole state is saved in a checkpoint, so
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
    /// Relative frequency of each mode of `MIFTDataset.modes` (I -> A, I -> R, [I; R] -> A).
    public let modeWeights: [Int]

    public init(problemCount: Int, seed: UInt64, modeWeights: [Int] = [1, 1, 1]) {
        precondition(problemCount > 0, "MIFTSampler: no problems to draw from")
        precondition(modeWeights.count == MIFTDataset.modes.count && modeWeights.allSatisfy { $0 >= 0 }
                     && modeWeights.reduce(0, +) > 0, "MIFTSampler: one non-negative weight per mode, not all zero")
        self.problemCount = problemCount
        self.modeWeights = modeWeights
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
            draws.append(Draw(problem: order[cursor], mode: Self.mode(generator.integer(below: modeWeights.reduce(0, +)),
                                                                      weights: modeWeights)))
            cursor += 1
        }
        rng = generator.state
        return draws
    }

    /// The mode whose share of `0..<sum(weights)` holds `draw`: with equal unit weights, the
    /// draw itself, so the equal mixture draws exactly what it drew before weights existed.
    static func mode(_ draw: Int, weights: [Int]) -> Int {
        var remaining = draw
        for (index, weight) in weights.enumerated() {
            if remaining < weight { return index }
            remaining -= weight
        }
        return weights.count - 1
    }
}
