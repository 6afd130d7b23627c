import Synchronization

/// Byte-level BPE: a piece's bytes start as one token each (via GPT-2's alphabet) and the
/// adjacent pair with the lowest merge rank is merged, leftmost first, until no pair has a
/// rank. This is the order `tokenizers` applies merges in (a heap of (rank, position)).
public final class BPEModel: Sendable {
    /// Token string (GPT-2 alphabet) -> id.
    public let vocabulary: [String: Int]
    /// id -> token string (a dictionary: ids come from the file and need not be dense).
    let tokens: [Int: String]
    /// Llama 3: a piece that is itself a vocabulary entry is emitted whole, merges skipped.
    public let ignoreMerges: Bool
    public let unknownTokenID: Int?
    /// Vocabulary id of each byte's stand-in character, or -1 when the vocabulary lacks it.
    private let byteTokenIDs: [Int]
    /// (left id << 32 | right id) -> (rank, merged id).
    let merges: [UInt64: (rank: Int32, merged: Int32)]
    public let mergeCount: Int
    private let cache = Mutex<[[UInt8]: [Int]]>([:])
    static let cacheCapacity = 10_000
    /// Pieces up to this many symbols are merged by rescanning (fast for words); longer ones
    /// (runs of spaces in code, long numbers under GPT-2) through a heap, O(n log n).
    static let scanLimit = 48

    /// `merges` are (left, right) token strings in rank order. Throws when a merge names a
    /// token the vocabulary lacks, as `tokenizers` does.
    init(
        vocabulary: [String: Int], merges mergeList: [(String, String)], ignoreMerges: Bool,
        unknownToken: String?, file: String
    ) throws(TokenizerError) {
        guard !mergeList.isEmpty else { throw .noMerges(file: file) }
        self.vocabulary = vocabulary
        self.ignoreMerges = ignoreMerges
        var tokens: [Int: String] = [:]
        tokens.reserveCapacity(vocabulary.count)
        for (token, id) in vocabulary { tokens[id] = token }
        self.tokens = tokens
        byteTokenIDs = ByteLevelAlphabet.scalarOfByte.map { vocabulary[String($0)] ?? -1 }
        var merges: [UInt64: (rank: Int32, merged: Int32)] = [:]
        merges.reserveCapacity(mergeList.count)
        for (rank, (left, right)) in mergeList.enumerated() {
            guard let leftID = vocabulary[left], let rightID = vocabulary[right], let mergedID = vocabulary[left + right] else {
                throw .mergeOutOfVocabulary(file: file, index: rank, merge: "\(left) \(right)")
            }
            let key = Self.pairKey(leftID, rightID)
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
        tokens[id]
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
        return symbols.count <= Self.scanLimit ? mergeByScanning(symbols) : mergeByHeap(symbols)
    }
}
