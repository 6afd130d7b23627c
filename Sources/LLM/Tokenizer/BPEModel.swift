import Synchronization

/// Byte-level BPE: a piece's bytes start as one token each (via GPT-2's alphabet) and the
/// adjacent pair with the lowest merge rank is merged, leftmost first, until no pair has a
/// rank. This is the order `tokenizers` applies merges in (a heap of (rank, position)).
public final class BPEModel: Sendable {
    /// Token string (GPT-2 alphabet) -> id.
    public let vocabulary: [String: Int]
    /// id -> token string; nil where the vocabulary has a gap.
    let tokens: [String?]
    /// Llama 3: a piece that is itself a vocabulary entry is emitted whole, merges skipped.
    public let ignoreMerges: Bool
    public let unknownTokenID: Int?
    /// Vocabulary id of each byte's stand-in character, or -1 when the vocabulary lacks it.
    private let byteTokenIDs: [Int]
    /// (left id << 32 | right id) -> (rank, merged id).
    private let merges: [UInt64: (rank: Int32, merged: Int32)]
    public let mergeCount: Int
    private let cache = Mutex<[[UInt8]: [Int]]>([:])
    static let cacheCapacity = 10_000

    /// `merges` are (left, right) token strings in rank order. Throws when a merge names a
    /// token the vocabulary lacks, as `tokenizers` does.
    init(
        vocabulary: [String: Int], merges mergeList: [(String, String)], ignoreMerges: Bool,
        unknownToken: String?, file: String
    ) throws(TokenizerError) {
        guard !mergeList.isEmpty else { throw .noMerges(file: file) }
        self.vocabulary = vocabulary
        self.ignoreMerges = ignoreMerges
        let maxID = vocabulary.values.max() ?? -1
        var tokens = [String?](repeating: nil, count: maxID + 1)
        for (token, id) in vocabulary where id >= 0 { tokens[id] = token }
        self.tokens = tokens
        byteTokenIDs = ByteLevelAlphabet.scalarOfByte.map { vocabulary[String($0)] ?? -1 }
        var merges: [UInt64: (rank: Int32, merged: Int32)] = [:]
        merges.reserveCapacity(mergeList.count)
        for (rank, (left, right)) in mergeList.enumerated() {
            guard let leftID = vocabulary[left], let rightID = vocabulary[right], let mergedID = vocabulary[left + right] else {
                throw .mergeOutOfVocabulary(file: file, index: rank, merge: "\(left) \(right)")
            }
            let key = UInt64(UInt32(leftID)) << 32 | UInt64(UInt32(rightID))
            // A repeated pair keeps its first (best) rank.
            if merges[key] == nil { merges[key] = (Int32(rank), Int32(mergedID)) }
        }
        self.merges = merges
        mergeCount = mergeList.count
        if let unknownToken {
            guard let id = vocabulary[unknownToken] else {
                throw .field(JSONFieldError(file: file, field: "model.unk_token", problem: .invalid("\"\(unknownToken)\" is not in the vocabulary")))
            }
            unknownTokenID = id
        } else {
            unknownTokenID = nil
        }
    }

    public func token(for id: Int) -> String? {
        id >= 0 && id < tokens.count ? tokens[id] : nil
    }

    /// Token ids of one pre-tokenized piece, given as UTF-8 bytes.
    public func encode(piece bytes: [UInt8]) -> [Int] {
        if let cached = cache.withLock({ $0[bytes] }) { return cached }
        let ids = merge(bytes)
        cache.withLock { cache in
            if cache.count < Self.cacheCapacity { cache[bytes] = ids }
        }
        return ids
    }

    private func merge(_ bytes: [UInt8]) -> [Int] {
        if ignoreMerges, let id = vocabulary[ByteLevelAlphabet.encode(bytes)] { return [id] }
        // A byte missing from the vocabulary becomes the unknown token, or is dropped when
        // there is none (what `tokenizers` does); byte-level vocabularies have all 256.
        var symbols: [Int] = []
        symbols.reserveCapacity(bytes.count)
        for byte in bytes {
            let id = byteTokenIDs[Int(byte)]
            if id >= 0 {
                symbols.append(id)
            } else if let unknownTokenID {
                symbols.append(unknownTokenID)
            }
        }
        // Quadratic in the piece length, which the split regexes keep short.
        while symbols.count > 1 {
            var bestRank = Int32.max
            var bestIndex = -1
            var bestMerged: Int32 = 0
            for index in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(symbols[index])) << 32 | UInt64(UInt32(symbols[index + 1]))
                if let merge = merges[key], merge.rank < bestRank {
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
}
