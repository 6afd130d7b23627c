import TensorCore

/// One rationale for a prompt with its answer score l_s. `provider` is its candidate number,
/// from 1 (one per provider, more with [loop] rationales_per_provider: `SessionManifest.candidateCount`;
/// 0 is never a candidate: it names the no-rationale baseline in the store).
public struct ScoredCandidate: Sendable, Equatable {
    public let provider: Int
    public let score: Double

    public init(provider: Int, score: Double) {
        self.provider = provider
        self.score = score
    }
}

/// The automatic decision for one prompt: which rationale is chosen, which is rejected, the
/// scores it was based on, and whether the pair survives the filter.
public struct PairDecision: Sendable, Equatable {
    public let chosen: ScoredCandidate
    public let rejected: ScoredCandidate
    /// l_0, the I -> A baseline.
    public let baseline: Double
    /// false when the filter dropped the pair (it is still recorded, as a filtered label).
    public let kept: Bool
}

/// How pairs are formed and filtered; the switches of COLLATE.md section 5.
public struct PairingRules: Sendable, Equatable {
    /// Ablation: a random pair of distinct providers instead of best-vs-worst.
    public var randomPairs: Bool
    /// Ablation: keep every pair.
    public var noFilter: Bool
    /// Seed of the random-pairs ablation (with the prompt id and iteration mixed in).
    public var seed: UInt64

    public init(randomPairs: Bool = false, noFilter: Bool = false, seed: UInt64 = 0) {
        self.randomPairs = randomPairs
        self.noFilter = noFilter
        self.seed = seed
    }
}

/// Pair selection and the filter (COLLATE.md section 3, steps 3-4).
///
/// Ties, a deterministic rule: chosen is the highest score, ties going to the LOWEST provider
/// number; rejected is the lowest score, ties going to the HIGHEST provider number. So with
/// two or more candidates chosen and rejected are always different candidates, and a table of
/// equal scores yields (first, last), which the filter then drops (l_chosen > l_rejected fails).
/// The candidates' order in the input never matters.
public enum PairSelection {
    /// Best-vs-worst: chosen = argmax_s l_s, rejected = argmin_s l_s.
    public static func bestVersusWorst(
        _ candidates: [ScoredCandidate]
    ) throws(MethodError) -> (chosen: ScoredCandidate, rejected: ScoredCandidate) {
        try validate(candidates)
        var chosen = candidates[0]
        var rejected = candidates[0]
        for candidate in candidates.dropFirst() {
            if candidate.score > chosen.score
                || (candidate.score == chosen.score && candidate.provider < chosen.provider) {
                chosen = candidate
            }
            if candidate.score < rejected.score
                || (candidate.score == rejected.score && candidate.provider > rejected.provider) {
                rejected = candidate
            }
        }
        return (chosen, rejected)
    }

    /// Random-pairs ablation (COLLATE.md section 5: no likelihood-based selection): chosen and
    /// rejected are two distinct candidates drawn uniformly, IN ORDER, with a generator keyed by
    /// (seed, prompt, iteration), so a rerun draws the same pair; the scores play no part in the
    /// choice. (Ordering the draw by score would make it a no-op with S = 2, where best-vs-worst
    /// is the only pair.) The filter still compares the scores unless no_filter is set too, so
    /// with the filter on only the draws that agree with the likelihood ranking are trained on.
    public static func random(
        _ candidates: [ScoredCandidate], seed: UInt64, promptID: Int64, iteration: Int
    ) throws(MethodError) -> (chosen: ScoredCandidate, rejected: ScoredCandidate) {
        try validate(candidates)
        // Sorted by provider so the draw does not depend on the input order.
        let ordered = candidates.sorted { $0.provider < $1.provider }
        var generator = SplitMix64(
            seed: seed, keys: [UInt64(bitPattern: promptID), UInt64(bitPattern: Int64(iteration))])
        let first = generator.nextIndex(below: ordered.count)
        var second = generator.nextIndex(below: ordered.count - 1)
        if second >= first { second += 1 }
        return (ordered[first], ordered[second])
    }

    /// The filter: keep only if l_chosen > l_0 and l_chosen > l_rejected (ties dropped).
    public static func passesFilter(chosen: Double, rejected: Double, baseline: Double) -> Bool {
        chosen > baseline && chosen > rejected
    }

    /// Selection then filter, under the session's rules: the auto label of one prompt.
    public static func decide(
        candidates: [ScoredCandidate], baseline: Double, rules: PairingRules,
        promptID: Int64, iteration: Int
    ) throws(MethodError) -> PairDecision {
        guard baseline.isFinite else {
            throw .invalidInput("the baseline score l_0 is \(baseline), it must be finite")
        }
        let pair = rules.randomPairs
            ? try random(candidates, seed: rules.seed, promptID: promptID, iteration: iteration)
            : try bestVersusWorst(candidates)
        let kept = rules.noFilter
            || passesFilter(chosen: pair.chosen.score, rejected: pair.rejected.score, baseline: baseline)
        return PairDecision(chosen: pair.chosen, rejected: pair.rejected, baseline: baseline, kept: kept)
    }

    private static func validate(_ candidates: [ScoredCandidate]) throws(MethodError) {
        guard candidates.count >= 2 else {
            throw .invalidInput(
                "a pair needs rationales from at least two providers, got \(candidates.count)")
        }
        var seen = Set<Int>()
        for candidate in candidates {
            guard candidate.provider >= 1 else {
                throw .invalidInput("provider numbers start at 1, got \(candidate.provider)")
            }
            guard seen.insert(candidate.provider).inserted else {
                throw .invalidInput("provider \(candidate.provider) appears twice among the candidates")
            }
            guard candidate.score.isFinite else {
                throw .invalidInput("provider \(candidate.provider) has score \(candidate.score), it must be finite")
            }
        }
    }
}
