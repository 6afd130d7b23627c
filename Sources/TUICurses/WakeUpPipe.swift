#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TUIKit

/// A pipe that worker threads write a byte to, so the UI thread blocked in poll() wakes.
/// Both ends are non-blocking: a full pipe already means "wake up", so a failed write is
/// harmless, and draining stops when nothing is left. The pipe is closed when the last
/// reference goes, so a worker holding the waker never writes into a recycled descriptor.
final class WakeUpPipe: Waker {
    let readEnd: Int32
    /// Also handed to the signal shim, which writes to it on SIGCONT (write is async-signal-safe).
    let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw TerminalError.systemCall(call: "pipe", errno: errno) }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe; returns whether anything was in it.
    func drain() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 64)
        var any = false
        while read(readEnd, &scratch, scratch.count) > 0 { any = true }
        return any
    }
}
