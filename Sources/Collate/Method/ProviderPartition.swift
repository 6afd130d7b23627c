import TensorCore

/// Which prompts each provider trains on (COLLATE.md sections 2 and 3): the data is split into
/// S disjoint random subsets, one per provider, so that providers differ by what they saw.
/// Under the no-provider-distinction ablation every provider gets all of it.
///
/// Rule: the prompt ids are sorted, shuffled with `SplitMix64(seed)`, and dealt round-robin to
/// providers 1...S, so subset sizes differ by at most one and the same ids, S and seed give
/// the same partition on every machine.
public enum ProviderPartition {
    public static func assign(promptIDs: [Int64], providerCount: Int, seed: UInt64, distinct: Bool = true)
        throws(MethodError) -> [Int: [Int64]] {
        guard (1...8).contains(providerCount) else {
            throw .invalidInput("the number of providers must be 1...8, got \(providerCount)")
        }
        var ids = promptIDs.sorted()
        guard Set(ids).count == ids.count else { throw .invalidInput("a prompt id appears twice") }
        guard distinct else {
            return Dictionary(uniqueKeysWithValues: (1...providerCount).map { ($0, ids) })
        }
        var generator = SplitMix64(seed: seed)
        generator.shuffle(&ids)
        var subsets = Dictionary(uniqueKeysWithValues: (1...providerCount).map { ($0, [Int64]()) })
        for (position, id) in ids.enumerated() {
            subsets[position % providerCount + 1, default: []].append(id)
        }
        return subsets.mapValues { $0.sorted() }
    }
}
