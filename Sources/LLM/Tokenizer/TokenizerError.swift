/// Why a `tokenizer.json` cannot be used. Anything we do not implement exactly is refused by
/// name rather than approximated: a silently different tokenisation corrupts every score.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalidJSON(file: String, reason: String)
    case field(JSONFieldError)
    /// `component` is "normalizer", "pre_tokenizer", "decoder", "post_processor" or "model".
    case unsupported(file: String, component: String, detail: String)
    case noMerges(file: String)
    case mergeOutOfVocabulary(file: String, index: Int, merge: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
        case .invalidJSON(let file, let reason): "\(file): \(reason)"
        case .field(let error): error.description
        case .unsupported(let file, let component, let detail): "\(file): unsupported \(component): \(detail)"
        case .noMerges(let file):
            "\(file): the BPE model has no merges; refusing to fall back to one token per byte"
        case .mergeOutOfVocabulary(let file, let index, let merge):
            "\(file): merge #\(index) \"\(merge)\" uses or produces a token missing from the vocabulary"
        }
    }
}
