/// Why the curses terminal could not start or run.
public enum TerminalError: Error, Equatable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, redirected, or run by CI).
    case notATerminal
    /// ncurses could not set up the terminal named by `TERM`.
    case cannotInitialise(term: String)
    /// A system call failed; `call` names it, `errno` is its error number.
    case systemCall(call: String, errno: Int32)

    public var description: String {
        switch self {
        case .notATerminal:
            return "standard input and output must be a terminal to open the workbench"
        case .cannotInitialise(let term):
            return "ncurses cannot open the terminal (TERM=\(term.isEmpty ? "<unset>" : term))"
        case .systemCall(let call, let errno):
            return "\(call) failed with errno \(errno)"
        }
    }
}
