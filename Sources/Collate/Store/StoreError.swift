/// Errors of the session store that are about the data, not SQLite itself.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case unknownPrompt(Int64)
    case invalidLabel(String)
    case corrupt(String)
    /// The lock file beside the store could not be opened or locked (path, errno text).
    case lock(String, String)

    public var description: String {
        switch self {
        case .unknownPrompt(let id): "no prompt with id \(id) in this session"
        case .invalidLabel(let reason): "cannot write this label: \(reason)"
        case .corrupt(let reason): "the session store is damaged: \(reason)"
        case .lock(let path, let reason): "cannot lock \(path) to open the session store: \(reason)"
        }
    }
}
