/// Wakes the UI's event loop from another thread: `nextEvent` then returns `.wake`.
/// Workers call it after publishing a result; the UI pulls the latest state.
public protocol Waker: Sendable {
    func wake()
}

/// Where frames go and events come from: ncurses in the program (TUICurses), memory in tests.
///
/// The UI loop: render the state into a `Buffer` of `size`, `present` it (only the diff
/// against the previous frame reaches the screen), then block in `nextEvent` until a key,
/// a mouse event, a wake-up or the timeout. An idle UI uses no CPU.
public protocol Terminal: AnyObject {
    /// The current size in cells; changes after a `.key(.resize)` event.
    var size: Size { get }
    /// Shows a frame. Frames of another size than the previous one are drawn in full.
    func present(_ buffer: Buffer) throws
    /// The next event, or nil when `timeout` passed first (nil timeout waits forever).
    func nextEvent(timeout: Duration?) throws -> Event?
    /// A handle for worker threads.
    var waker: any Waker { get }
    /// Draws later frames with another theme (the next `present` repaints everything).
    func setTheme(_ theme: Theme)
    /// True for a terminal whose events are scripted (tests): a nil from `nextEvent` then
    /// means the script ran out, not that time passed.
    var isScripted: Bool { get }
}

extension Terminal {
    public var isScripted: Bool { false }
}
