#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import TUIKit

extension CursesTerminal {
    /// Waits with poll() on standard input and on the wake-up pipe, so an idle UI sleeps in
    /// the kernel. Keys already buffered by ncurses are returned first; a signal (SIGWINCH
    /// from a resize) interrupts poll, after which ncurses reports KEY_RESIZE.
    public func nextEvent(timeout: Duration?) throws -> Event? {
        if let event = readInput() { return event }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while true {
            var waitMilliseconds: Int32 = -1
            if let deadline {
                let left = clock.now.duration(to: deadline)
                if left <= .zero { return nil }
                waitMilliseconds = Int32(clamping: Self.milliseconds(roundingUp: left))
            }
            var fds = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeUpReadEnd, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, waitMilliseconds)
            if ready < 0 {
                guard errno == EINTR else { throw TerminalError.systemCall(call: "poll", errno: errno) }
                if let event = readInput() { return event }
                continue
            }
            if ready == 0 { return nil }
            if fds[1].revents != 0, drainWakeUps() {
                // Continued after a stop: the shell drew over the screen; repaint all of it.
                if collate_take_resumed() != 0 {
                    invalidate()
                    return .key(.resize)
                }
                return .wake
            }
            if fds[0].revents & Int16(POLLIN) != 0 {
                if let event = readInput() { return event }
            } else if fds[0].revents != 0 {
                // POLLHUP/POLLERR: the terminal went away; nothing more will ever arrive.
                throw TerminalError.systemCall(call: "poll (terminal hung up)", errno: EIO)
            }
        }
    }

    /// One event from ncurses without waiting, or nil if nothing is buffered.
    func readInput() -> Event? {
        let window = collate_stdscr()
        wtimeout(window, 0)
        var character: wint_t = 0
        let status = wget_wch(window, &character)
        if status == ERR { return nil }
        if status == KEY_CODE_YES {
            let code = Int32(bitPattern: character)
            if code == KEY_MOUSE { return readMouse() }
            return Self.key(forCursesCode: code).map(Event.key)
        }
        guard let scalar = Unicode.Scalar(UInt32(character)),
              let key = Key(terminalCharacter: scalar) else { return nil }
        return .key(key)
    }

    private func readMouse() -> Event? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let position = Point(x: Int(event.x), y: Int(event.y))
        let state = event.bstate
        if state & collate_mouse_pressed(4) != 0 { return .mouse(MouseEvent(.scrollUp, at: position)) }
        if state & collate_mouse_pressed(5) != 0 { return .mouse(MouseEvent(.scrollDown, at: position)) }
        for button in 1...3 {
            if state & collate_mouse_pressed(Int32(button)) != 0 {
                return .mouse(MouseEvent(.press(button: button), at: position))
            }
            if state & collate_mouse_released(Int32(button)) != 0 {
                return .mouse(MouseEvent(.release(button: button), at: position))
            }
        }
        return nil
    }

    /// The key of an ncurses function-key code (KEY_UP, KEY_F(5), ...), nil for keys the
    /// UI does not use.
    static func key(forCursesCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_IC: return .insert
        case KEY_DC: return .delete
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case collate_key_f(1)...collate_key_f(24): return .function(Int(code - collate_key_f(0)))
        default: return nil
        }
    }

    static func milliseconds(roundingUp duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        return seconds * 1000 + (attoseconds + perMillisecond - 1) / perMillisecond
    }
}
