/// Errors of the session store that are about the data, not SQLite itself.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case unknownPrompt(Int64)
    case invalidLabel(String)
    case corrupt(String)
    /// The lock file beside the store could not be opened or locked (path, errno text).
    case lock(String, String)
    /// A compare-and-set label write found another writer's row: `current` is the human label
    /// in force now (nil: none, or withdrawn).
    case labelChanged(promptID: Int64, current: LabelRecord?)
    /// The disk (or the filesystem's quota) is full: nothing of the write was kept.
    case diskFull(String)
    /// A text field holds U+0000, which SQLite text through GRDB cannot keep (it would end the
    /// stored text there, silently).
    case nulCharacter(table: String, field: String)

    public var description: String {
        switch self {
        case .unknownPrompt(let id): "no prompt with id \(id) in this session"
        case .invalidLabel(let reason): "cannot write this label: \(reason)"
        case .corrupt(let reason): "the session store is damaged: \(reason)"
        case .lock(let path, let reason): "cannot lock \(path) to open the session store: \(reason)"
        case .diskFull(let path): "\(path): the disk is full; nothing of this write was saved (free some space and run it again)"
        case .nulCharacter(let table, let field):
            "cannot save this \(table): its \(field) contains a NUL character (U+0000), which the session store cannot hold"
        case .labelChanged(let promptID, let current):
            "prompt \(promptID)'s label was changed by another writer meanwhile (now: "
                + (current.map { "\($0.action.rawValue), provider \($0.chosenProvider.map(String.init) ?? "-") over \($0.rejectedProvider.map(String.init) ?? "-")" } ?? "no human label")
                + ")"
        }
    }
}
