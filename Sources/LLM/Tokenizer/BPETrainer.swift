/// Trains a byte-level BPE vocabulary on a text corpus, with SmolLM2's pre-tokenizer: every
/// digit its own piece (`Digits(individual_digits: true)`, good for arithmetic: "128" is always
/// "1", "2", "8"), then GPT-2's ByteLevel regex. Added special tokens are split out of the
/// corpus first and never take part in merges.
///
/// Ids: the special tokens first (0, 1, ...), then the 256 bytes in byte order, then one id per
/// merge in the order merges were learned (a merge whose result already exists reuses its id).
///
/// Each round merges the most frequent adjacent pair over all pre-tokenized pieces. Ties are
/// broken by the lexicographically smallest pair: the left token's bytes compared first, then
/// the right token's (unsigned byte order), so the result depends on nothing but the corpus.
/// Training stops at `vocabularySize` tokens or when no pair occurs `minimumPairCount` times.
///
/// Cost: the corpus is reduced to distinct pieces with counts; pair counts are kept and
/// updated only for the pieces that contain the merged pair (an index from pair to pieces),
/// and the best pair comes from a max-heap whose stale entries are corrected when popped
/// (counts of old pairs only fall, so a popped entry whose count is still right is the best).
public struct BPETrainer: Sendable {
    public var vocabularySize: Int
    public var specialTokens: [String]
    public var minimumPairCount: Int
    /// Distinct pre-tokenized pieces (UTF-8 bytes) and how often each occurs.
    public private(set) var pieceCounts: [[UInt8]: Int] = [:]

    public static let preTokenizer = PreTokenizer(steps: [
        .digits(individual: true), .byteLevel(addPrefixSpace: false, useRegex: true),
    ])

    public init(vocabularySize: Int, specialTokens: [String] = ["<|endoftext|>"], minimumPairCount: Int = 2) {
        self.vocabularySize = vocabularySize
        self.specialTokens = specialTokens
        self.minimumPairCount = max(1, minimumPairCount)
    }

    /// Adds a document of the corpus (special tokens in it are split out, as when encoding).
    public mutating func addText(_ text: String) {
        let matcher = AddedTokenMatcher(specialTokens.enumerated().map { AddedToken(id: $0.offset, content: $0.element, special: true) })
        for segment in matcher.segments(of: Array(text.unicodeScalars)) {
            guard case .text(let stretch) = segment else { continue }
            for piece in Self.preTokenizer.pieces(of: Array(stretch)) {
                pieceCounts[piece, default: 0] += 1
            }
        }
    }

    public func train() throws(BPETrainerError) -> TrainedBPE {
        let minimumSize = specialTokens.count + 256
        guard vocabularySize >= minimumSize else {
            throw .vocabularyTooSmall(requested: vocabularySize, minimum: minimumSize)
        }
        if let duplicate = Dictionary(grouping: specialTokens, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw .duplicateSpecialToken(duplicate)
        }
        var state = MergeState(pieceCounts: pieceCounts, firstByteID: specialTokens.count)
        var merges: [(Int32, Int32)] = []
        while state.tokenBytes.count < vocabularySize, let pair = state.popBestPair(minimumCount: minimumPairCount) {
            state.merge(pair)
            merges.append(pair)
        }
        return TrainedBPE(
            specialTokens: specialTokens,
            tokens: state.tokenBytes[specialTokens.count...].map(ByteLevelAlphabet.encode),
            merges: merges.map { (ByteLevelAlphabet.encode(state.tokenBytes[Int($0.0)]),
                                  ByteLevelAlphabet.encode(state.tokenBytes[Int($0.1)])) })
    }
}

public enum BPETrainerError: Error, Sendable, Equatable, CustomStringConvertible {
    case vocabularyTooSmall(requested: Int, minimum: Int)
    case duplicateSpecialToken(String)

    public var description: String {
        switch self {
        case .vocabularyTooSmall(let requested, let minimum):
            "a vocabulary of \(requested) tokens cannot hold the special tokens and 256 bytes (at least \(minimum))"
        case .duplicateSpecialToken(let token): "special token \"\(token)\" is given twice"
        }
    }
}

/// The trainer's working state: pieces as symbol ids, pair counts, pair -> pieces index, heap.
private struct MergeState {
    /// Bytes of every token id; special tokens' entries are empty and never paired.
    var tokenBytes: [[UInt8]]
    var idOfBytes: [[UInt8]: Int32] = [:]
    var pieces: [[Int32]]
    let counts: [Int]
    var pairCounts: [UInt64: Int] = [:]
    /// Pieces that contained the pair when it was counted (may hold pieces that no longer do).
    var piecesWithPair: [UInt64: [Int32]] = [:]
    var heap: [(count: Int, pair: UInt64)] = []

    init(pieceCounts: [[UInt8]: Int], firstByteID: Int) {
        tokenBytes = Array(repeating: [], count: firstByteID) + (0..<256).map { [UInt8($0)] }
        for id in firstByteID..<tokenBytes.count { idOfBytes[tokenBytes[id]] = Int32(id) }
        // Sorted so that the piece order (and so every later step) does not depend on hashing.
        let sorted = pieceCounts.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        pieces = sorted.map { entry in entry.key.map { Int32(firstByteID) + Int32($0) } }
        counts = sorted.map(\.value)
        for index in pieces.indices { addPairs(of: index, sign: 1) }
        for (pair, count) in pairCounts { push(count: count, pair: pair) }
    }

    static func key(_ left: Int32, _ right: Int32) -> UInt64 { BPEModel.pairKey(Int(left), Int(right)) }
    static func parts(_ key: UInt64) -> (Int32, Int32) {
        (Int32(truncatingIfNeeded: key >> 32), Int32(truncatingIfNeeded: key & 0xFFFF_FFFF))
    }

    /// Adds (sign 1) or removes (sign -1) the piece's pairs from the counts; on adding, the piece
    /// is indexed under each pair.
    mutating func addPairs(of index: Int, sign: Int, touched: inout Set<UInt64>) {
        let symbols = pieces[index]
        guard symbols.count > 1 else { return }
        for position in 0..<(symbols.count - 1) {
            let pair = Self.key(symbols[position], symbols[position + 1])
            pairCounts[pair, default: 0] += sign * counts[index]
            if sign > 0 {
                touched.insert(pair)
                if piecesWithPair[pair]?.last != Int32(index) { piecesWithPair[pair, default: []].append(Int32(index)) }
            }
        }
    }

    mutating func addPairs(of index: Int, sign: Int) {
        var ignored = Set<UInt64>()
        addPairs(of: index, sign: sign, touched: &ignored)
    }

    /// The most frequent pair (ties: smallest by bytes), or nil when none occurs often enough.
    mutating func popBestPair(minimumCount: Int) -> (Int32, Int32)? {
        while let top = popHeap() {
            let current = pairCounts[top.pair] ?? 0
            if current == top.count {
                return current >= minimumCount ? Self.parts(top.pair) : nil
            }
            if current > 0 { push(count: current, pair: top.pair) }  // stale: counts only fell
        }
        return nil
    }

    mutating func merge(_ pair: (Int32, Int32)) {
        let mergedBytes = tokenBytes[Int(pair.0)] + tokenBytes[Int(pair.1)]
        let merged: Int32
        if let existing = idOfBytes[mergedBytes] {
            merged = existing
        } else {
            merged = Int32(tokenBytes.count)
            tokenBytes.append(mergedBytes)
            idOfBytes[mergedBytes] = merged
        }
        let key = Self.key(pair.0, pair.1)
        var touched = Set<UInt64>()
        for index in piecesWithPair.removeValue(forKey: key) ?? [] {
            let old = pieces[Int(index)]
            // Left to right, non-overlapping: "a a a" merging (a, a) gives "aa a".
            var new: [Int32] = []
            new.reserveCapacity(old.count)
            var position = 0
            while position < old.count {
                if position + 1 < old.count, old[position] == pair.0, old[position + 1] == pair.1 {
                    new.append(merged)
                    position += 2
                } else {
                    new.append(old[position])
                    position += 1
                }
            }
            guard new.count != old.count else { continue }
            addPairs(of: Int(index), sign: -1)
            pieces[Int(index)] = new
            addPairs(of: Int(index), sign: 1, touched: &touched)
        }
        pairCounts[key] = nil
        // Pairs whose count rose (only those holding the new token can) get a fresh heap entry.
        for pair in touched where Self.parts(pair).0 == merged || Self.parts(pair).1 == merged {
            if let count = pairCounts[pair], count > 0 { push(count: count, pair: pair) }
        }
    }

    // MARK: max-heap ordered by count, then by the pair's bytes (smaller first)

    func precedes(_ a: (count: Int, pair: UInt64), _ b: (count: Int, pair: UInt64)) -> Bool {
        if a.count != b.count { return a.count > b.count }
        let (aLeft, aRight) = Self.parts(a.pair)
        let (bLeft, bRight) = Self.parts(b.pair)
        if aLeft != bLeft { return tokenBytes[Int(aLeft)].lexicographicallyPrecedes(tokenBytes[Int(bLeft)]) }
        return tokenBytes[Int(aRight)].lexicographicallyPrecedes(tokenBytes[Int(bRight)])
    }

    mutating func push(count: Int, pair: UInt64) {
        heap.append((count, pair))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popHeap() -> (count: Int, pair: UInt64)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count, precedes(heap[left], heap[best]) { best = left }
            if right < heap.count, precedes(heap[right], heap[best]) { best = right }
            if best == parent { break }
            heap.swapAt(parent, best)
            parent = best
        }
        return top
    }
}
