import Synchronization

/// A terminal in memory for tests: it keeps the screen as a real terminal would (by
/// applying each frame's diff to what it showed before), counts frames and changed cells,
/// and hands out scripted events. Waiting never blocks: with nothing scripted and no
/// wake-up pending, `nextEvent` returns nil as if the timeout had passed.
public final class MemoryTerminal: Terminal {
    public private(set) var size: Size
    /// What the screen shows now.
    public private(set) var screen: Buffer
    /// The last buffer passed to `present`.
    public private(set) var lastFrame: Buffer?
    public private(set) var framesPresented = 0
    /// Cells written by the last `present` (the whole screen after a resize).
    public private(set) var cellsWrittenLastFrame = 0
    /// The theme set by the application (frames are kept as cells, so it changes nothing else).
    public private(set) var theme: Theme = .dark
    private var scripted: [Event] = []
    private let memoryWaker = MemoryWaker()

    public init(size: Size) {
        self.size = size
        self.screen = Buffer(size: size)
    }

    public var waker: any Waker { memoryWaker }

    public var isScripted: Bool { true }

    /// Queues events to be returned by `nextEvent`, in order.
    public func feed(_ events: [Event]) { scripted += events }

    /// Queues key presses.
    public func feed(keys: [Key]) { feed(keys.map(Event.key)) }

    /// Queues the printable characters of a string as key presses.
    public func type(_ text: String) { feed(keys: text.map(Key.char)) }

    /// Changes the size, as a user resizing the window, and queues the resize key.
    public func resize(to newSize: Size) {
        size = newSize
        scripted.append(.key(.resize))
    }

    public func present(_ buffer: Buffer) throws {
        let diff = BufferDiff(from: screen, to: buffer)
        if screen.size != buffer.size { screen = Buffer(size: buffer.size) }
        screen.apply(diff)
        cellsWrittenLastFrame = diff.changedCellCount
        lastFrame = buffer
        framesPresented += 1
    }

    public func setTheme(_ theme: Theme) { self.theme = theme }

    /// Scripted events first, then pending wake-ups (one `.wake` for any number of them).
    public func nextEvent(timeout: Duration?) throws -> Event? {
        if !scripted.isEmpty { return scripted.removeFirst() }
        return memoryWaker.takePending() ? .wake : nil
    }
}

/// Counts wake-ups under a lock; any thread may call `wake`.
final class MemoryWaker: Waker {
    private let pending = Mutex(false)

    func wake() { pending.withLock { $0 = true } }

    func takePending() -> Bool {
        pending.withLock { value in
            defer { value = false }
            return value
        }
    }
}
