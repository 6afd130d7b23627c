import Foundation

/// Text normalisation before pre-tokenization. Qwen2 applies NFC; the others none.
public enum Normalizer: Sendable, Equatable {
    case none
    case nfc

    func apply(_ text: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        switch self {
        case .none:
            return Array(text)
        case .nfc:
            var string = String.UnicodeScalarView()
            string.append(contentsOf: text)
            return Array(String(string).precomposedStringWithCanonicalMapping.unicodeScalars)
        }
    }
}

/// A Hugging Face byte-level BPE tokenizer (GPT-2, Llama 3, Qwen2, SmolLM2), loaded from
/// `tokenizer.json` with `Tokenizer(contentsOf:)`.
///
/// `encode` follows `tokenizers`: added tokens are split out of the raw text first (longest
/// match), each remaining stretch is normalised, pre-tokenized into byte-level pieces and
/// merged by BPE. Text is used as given: special tokens of the post-processor (Llama 3's BOS)
/// are added only when `addSpecialTokens` is true.
public final class Tokenizer: Sendable {
    public let model: BPEModel
    public let addedTokens: [AddedToken]
    public let normalizer: Normalizer
    public let preTokenizer: PreTokenizer
    public let postProcessor: PostProcessor
    private let addedTokenByID: [Int: AddedToken]
    private let addedTokenByContent: [String: AddedToken]
    private let matcher: AddedTokenMatcher

    public init(
        model: BPEModel, addedTokens: [AddedToken], normalizer: Normalizer,
        preTokenizer: PreTokenizer, postProcessor: PostProcessor
    ) {
        self.model = model
        self.addedTokens = addedTokens
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        addedTokenByID = Dictionary(addedTokens.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        addedTokenByContent = Dictionary(addedTokens.map { ($0.content, $0) }, uniquingKeysWith: { _, last in last })
        matcher = AddedTokenMatcher(addedTokens)
        vocabularySize = max(model.vocabulary.values.max() ?? -1, addedTokens.map(\.id).max() ?? -1) + 1
        specialTokenIDs = Set(addedTokens.filter(\.special).map(\.id))
    }

    /// Whether `encode(_, addSpecialTokens: true)` puts a BOS token first.
    public var addsBOS: Bool { !postProcessor.prefixTokenIDs.isEmpty }

    /// The BOS id the post-processor adds, if any.
    public var bosTokenID: Int? { postProcessor.prefixTokenIDs.first }

    /// `ids` with the BOS first when this tokenizer adds one, unless they start with it already
    /// (a chat prompt whose template writes it, as Llama 3's does).
    public func prependingBOS(_ ids: [Int]) -> [Int] {
        guard addsBOS, let bos = bosTokenID, ids.first != bos else { return ids }
        return [bos] + ids
    }

    /// One past the largest id of the vocabulary or the added tokens.
    public let vocabularySize: Int

    /// Ids of the added tokens marked special (skipped by `decode(_, skipSpecialTokens: true)`).
    public let specialTokenIDs: Set<Int>

    public func id(of token: String) -> Int? {
        addedTokenByContent[token]?.id ?? model.vocabulary[token]
    }

    public func token(of id: Int) -> String? {
        addedTokenByID[id]?.content ?? model.token(for: id)
    }

    public func encode(_ text: String, addSpecialTokens: Bool = false) -> [Int] {
        var ids: [Int] = addSpecialTokens ? postProcessor.prefixTokenIDs : []
        for segment in matcher.segments(of: Array(text.unicodeScalars)) {
            switch segment {
            case .token(let id):
                ids.append(id)
            case .text(let stretch):
                for piece in preTokenizer.pieces(of: normalizer.apply(stretch)) {
                    ids.append(contentsOf: model.encode(piece: piece))
                }
            }
        }
        if addSpecialTokens { ids += postProcessor.suffixTokenIDs }
        return ids
    }

    /// The ByteLevel decoder: tokens are joined, their characters mapped back to bytes (a
    /// token with characters outside GPT-2's alphabet, like a plain-text added token,
    /// contributes its own UTF-8), and the bytes decoded as UTF-8 with U+FFFD for invalid
    /// sequences. Unknown ids are skipped, as `tokenizers` does.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            let token: String
            if let added = addedTokenByID[id] {
                if skipSpecialTokens && added.special { continue }
                token = added.content
            } else if let modelToken = model.token(for: id) {
                token = modelToken
            } else {
                continue
            }
            bytes.append(contentsOf: ByteLevelAlphabet.decode(token) ?? Array(token.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
