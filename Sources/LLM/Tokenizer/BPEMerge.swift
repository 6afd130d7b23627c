/// The two ways of applying merges; both give the result `tokenizers` gives: repeatedly merge
/// the adjacent pair with the lowest rank, the leftmost one among equals.
extension BPEModel {
    @inline(__always)
    static func pairKey(_ left: Int, _ right: Int) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: left)) << 32 | UInt64(UInt32(truncatingIfNeeded: right))
    }

    /// Rescans all pairs after every merge: O(n^2), cheapest for short pieces.
    func mergeByScanning(_ initial: [Int]) -> [Int] {
        var symbols = initial
        while symbols.count > 1 {
            var bestRank = Int32.max
            var bestIndex = -1
            var bestMerged: Int32 = 0
            for index in 0..<(symbols.count - 1) {
                if let merge = merges[Self.pairKey(symbols[index], symbols[index + 1])], merge.rank < bestRank {
                    bestRank = merge.rank
                    bestIndex = index
                    bestMerged = merge.merged
                }
            }
            if bestIndex < 0 { break }
            symbols[bestIndex] = Int(bestMerged)
            symbols.remove(at: bestIndex + 1)
        }
        return symbols
    }

    /// `tokenizers`' algorithm: a min-heap of (rank, position of the left symbol) over a linked
    /// list of symbols; entries made stale by earlier merges are skipped when popped. A merged
    /// symbol keeps its left part's position, so heap order is rank, then left to right.
    func mergeByHeap(_ initial: [Int]) -> [Int] {
        var ids = initial
        let count = ids.count
        guard count > 1 else { return ids }
        var previous = Array(-1..<(count - 1))
        var next = Array(1...count)
        next[count - 1] = -1
        var heap = MinHeap<MergeCandidate>()
        for index in 0..<(count - 1) {
            if let merge = merges[Self.pairKey(ids[index], ids[index + 1])] {
                heap.push(MergeCandidate(rank: merge.rank, position: index))
            }
        }
        while let candidate = heap.pop() {
            let left = candidate.position
            let right = next[left]
            // Stale: the left symbol was absorbed (next == -2) or its pair changed since.
            guard right >= 0, let merge = merges[Self.pairKey(ids[left], ids[right])], merge.rank == candidate.rank else {
                continue
            }
            ids[left] = Int(merge.merged)
            next[left] = next[right]
            if next[right] >= 0 { previous[next[right]] = left }
            next[right] = -2
            if previous[left] >= 0, let before = merges[Self.pairKey(ids[previous[left]], ids[left])] {
                heap.push(MergeCandidate(rank: before.rank, position: previous[left]))
            }
            if next[left] >= 0, let after = merges[Self.pairKey(ids[left], ids[next[left]])] {
                heap.push(MergeCandidate(rank: after.rank, position: left))
            }
        }
        var result: [Int] = []
        var index = 0
        while index >= 0 {
            result.append(ids[index])
            index = next[index]
        }
        return result
    }
}

struct MergeCandidate: Comparable {
    var rank: Int32
    var position: Int

    static func < (lhs: MergeCandidate, rhs: MergeCandidate) -> Bool {
        (lhs.rank, lhs.position) < (rhs.rank, rhs.position)
    }
}

/// A binary min-heap; just what the merge loop needs.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
