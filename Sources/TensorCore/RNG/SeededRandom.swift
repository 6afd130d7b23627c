import Foundation

/// Seeded, reproducible random numbers: xoshiro256** seeded through SplitMix64.
///
/// ```swift
/// var rng = SeededRandom(seed: 42)
/// let u = rng.uniform()              // [0, 1)
/// let z = rng.normal()               // N(0, 1), Box-Muller
/// rng.shuffle(&indices)
/// let saved = rng.state; ...; rng = SeededRandom(state: saved)   // exact resume
/// ```
/// A value type: copying it forks the stream; `state` is the whole state (four words plus a
/// cached second Box-Muller normal), so save/restore continues bit-for-bit.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
    /// Everything needed to continue the stream exactly.
    public struct State: Sendable, Equatable, Codable {
        public var words: [UInt64]
        /// The second normal of the last Box-Muller pair, not yet handed out.
        public var spareNormal: Double?

        /// A state read back from a checkpoint (`init(state:)` checks there are 4 words).
        public init(words: [UInt64], spareNormal: Double?) {
            self.words = words
            self.spareNormal = spareNormal
        }
    }

    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    /// Expands `seed` with SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next(); s1 = mixer.next(); s2 = mixer.next(); s3 = mixer.next()
        spareNormal = nil
    }

    public init(state: State) {
        precondition(state.words.count == 4, "SeededRandom: state needs 4 words")
        s0 = state.words[0]; s1 = state.words[1]; s2 = state.words[2]; s3 = state.words[3]
        spareNormal = state.spareNormal
    }

    public var state: State { State(words: [s0, s1, s2, s3], spareNormal: spareNormal) }

    /// xoshiro256** (Blackman & Vigna).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    @inline(__always) private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(uniform())
    }

    /// Standard normal by Box-Muller; the pair's second value is kept for the next call.
    public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - uniform()
        let u2 = uniform()
        let radius = (-2.0 * Foundation.log(u1)).squareRoot()
        let angle = 2.0 * Double.pi * u2
        spareNormal = radius * Foundation.sin(angle)
        return radius * Foundation.cos(angle)
    }

    /// Normal with the given mean and standard deviation.
    public mutating func normal(mean: Float, std: Float) -> Float {
        mean + std * Float(normal())
    }

    /// Uniform integer in `0..<upperBound` without modulo bias (Lemire).
    public mutating func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "integer(below:) needs a positive bound")
        return Int(next(upperBound: UInt64(upperBound)))
    }

    /// Fisher-Yates, deterministic for a given state (unlike `Array.shuffle(using:)`, whose
    /// algorithm the standard library does not promise to keep).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = integer(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }

    /// A shuffled copy of `0..<count`.
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        shuffle(&indices)
        return indices
    }
}
