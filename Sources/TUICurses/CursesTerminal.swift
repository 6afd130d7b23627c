#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import TUIKit

/// The real terminal, through ncursesw. Create one, use it from one thread, and `close()`
/// it (or use `CursesTerminal.run`, which closes it whatever happens). The terminal is
/// also restored by an exit hook and, on SIGINT/SIGTERM/SIGHUP/SIGQUIT, by the signal handler
/// of the shim (see CNcursesw/shim.h for why calling endwin() there is accepted); SIGTSTP
/// gives the terminal back while stopped, and after SIGCONT the next event is a full repaint.
///
/// Only one may be open at a time: ncurses keeps global state.
public final class CursesTerminal: Terminal {
    public struct Options: Sendable {
        public var theme: Theme
        public var enableMouse: Bool
        /// The process environment, for NO_COLOR and TERM.
        public var environment: [String: String]

        public init(theme: Theme = .dark, enableMouse: Bool = false, environment: [String: String]) {
            self.theme = theme
            self.enableMouse = enableMouse
            self.environment = environment
        }
    }

    public let colorDepth: ColorDepth
    private var styles: CursesStyles
    private let wakeUpPipe: WakeUpPipe
    /// What the screen shows, to diff the next frame against; nil forces a full repaint.
    private var shown: Buffer?
    private var isOpen = true
    private let mouseEnabled: Bool
    /// The SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP and SIGCONT handlers before ours, put
    /// back by `close()`.
    private var previousSignalHandlers: [sigaction] = Array(repeating: .init(), count: Int(COLLATE_SIGNAL_COUNT))

    /// Takes over the terminal: locale first (so ncurses handles UTF-8), then raw mode,
    /// no echo, keypad decoding, no newline translation, hidden cursor, colours.
    public init(options: Options) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal }
        let pipe = try WakeUpPipe()
        setlocale(LC_ALL, "")
        // newterm (unlike initscr) returns nil instead of exiting the process on failure.
        guard let screen = newterm(nil, collate_stdout(), collate_stdin()) else {
            throw TerminalError.cannotInitialise(term: options.environment["TERM"] ?? "")
        }
        set_term(screen)
        collate_register_exit_hook()
        raw()
        noecho()
        nonl()
        keypad(collate_stdscr(), true)
        set_escdelay(25)  // ms to tell a lone Esc from the start of an arrow key's sequence
        curs_set(0)
        var colors: Int32 = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colors = collate_colors()
        }
        let depth = ColorDepth.detect(environment: options.environment, terminalColors: Int(colors))
        if options.enableMouse {
            mousemask(collate_mouse_all(), nil)
            mouseinterval(0)
        }
        self.mouseEnabled = options.enableMouse
        self.colorDepth = depth
        self.styles = CursesStyles(theme: options.theme, depth: depth, maxPairs: collate_color_pairs(),
                                   terminalColors: colors)
        self.wakeUpPipe = pipe
        collate_install_signal_handlers(&previousSignalHandlers, pipe.writeEnd)
    }

    deinit { close() }

    /// Opens the terminal, runs `body`, and restores the terminal when `body` returns or throws.
    public static func run<Result>(options: Options, _ body: (CursesTerminal) throws -> Result) throws -> Result {
        let terminal = try CursesTerminal(options: options)
        defer { terminal.close() }
        return try body(terminal)
    }

    /// Gives the terminal back to the shell (cooked mode, echo, cursor). Safe to call twice.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        if mouseEnabled { mousemask(0, nil) }
        curs_set(1)
        endwin()
        collate_restore_signal_handlers(previousSignalHandlers)
    }

    public var size: Size {
        let window = collate_stdscr()
        return Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
    }

    public var waker: any Waker { wakeUpPipe }

    var wakeUpReadEnd: Int32 { wakeUpPipe.readEnd }

    func drainWakeUps() -> Bool { wakeUpPipe.drain() }

    /// Draws only what changed since the last frame; a new size (or the first frame)
    /// clears the screen and draws everything.
    public func present(_ buffer: Buffer) throws {
        guard isOpen else { return }
        let window = collate_stdscr()
        let diff: BufferDiff
        if let shown, shown.size == buffer.size {
            diff = BufferDiff(from: shown, to: buffer)
        } else {
            werase(window)
            diff = BufferDiff(from: Buffer(size: .zero), to: buffer)
        }
        for run in diff.runs {
            for (offset, cell) in run.cells.enumerated() where !cell.isContinuation {
                draw(cell, x: run.x + offset, y: run.y, window: window)
            }
        }
        wnoutrefresh(window)
        doupdate()
        shown = buffer
    }

    /// Switches theme: colour pairs are allocated afresh and the next frame is drawn in full.
    public func setTheme(_ theme: Theme) {
        let colors: Int32 = has_colors() ? collate_colors() : 0
        styles = CursesStyles(theme: theme, depth: colorDepth, maxPairs: collate_color_pairs(), terminalColors: colors)
        invalidate()
    }

    /// Forgets what the screen shows, so the next frame is drawn in full (after another
    /// program wrote to the terminal, or on ctrl-l).
    public func invalidate() {
        shown = nil
        clearok(collate_stdscr(), true)
    }

    private func draw(_ cell: Cell, x: Int, y: Int, window: UnsafeMutablePointer<WINDOW>?) {
        let (attributes, pair) = styles.resolve(cell.style)
        // A cchar_t holds a spacing character and up to 4 combining ones (CCHARW_MAX = 5).
        var characters: [wchar_t] = cell.grapheme.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
        characters.append(0)
        var complex = cchar_t()
        var pairNumber = pair
        _ = setcchar(&complex, characters, attributes, 0, &pairNumber)
        _ = mvwadd_wch(window, Int32(y), Int32(x), &complex)
    }
}
