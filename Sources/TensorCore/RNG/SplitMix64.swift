/// A small seeded generator (SplitMix64, Steele et al. 2014): it expands a seed into the
/// xoshiro state of `SeededRandom`, and makes the method's data decisions (split assignment,
/// provider partitions, the random-pairs ablation, sampling seeds).
///
/// Why not `SeededRandom` for those: the decisions are stored in sessions and must come out
/// the same on every machine and in every future version, so this algorithm, its bounded
/// integers and its shuffle are spelled out here and fixed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The same generator, named by its raw state.
    public init(state: UInt64) {
        self.state = state
    }

    /// A generator for one decision inside a session, e.g. (seed, prompt id, iteration):
    /// each part is mixed in so that neighbouring keys give unrelated streams.
    public init(seed: UInt64, keys: [UInt64]) {
        var mixer = SplitMix64(seed: seed)
        var state = mixer.next()
        for key in keys {
            mixer = SplitMix64(seed: state ^ key)
            state = mixer.next()
        }
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound without modulo bias (Lemire's method), spelled out so
    /// that the sequence does not depend on the standard library's implementation.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "nextIndex(below:) needs a positive bound")
        let range = UInt64(bound)
        while true {
            let product = next().multipliedFullWidth(by: range)
            if product.low >= (0 &- range) % range {
                return Int(product.high)
            }
        }
    }

    /// Fisher-Yates, with `nextIndex(below:)`: the same permutation for the same seed forever.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = nextIndex(below: i + 1)
            elements.swapAt(i, j)
        }
    }
}
