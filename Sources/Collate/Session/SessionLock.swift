import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writing stage at a time per session: `collate train` (or run, generate, ...) holds an
/// exclusive `flock` on `<session>/session.lock` while it runs, and a second one fails at once
/// saying which process holds it. The kernel drops a flock when its process exits, however it
/// exits (a crash or `kill -9` included), so a lock is never left behind; the file's text
/// (pid, command, start time) only names the holder and is not itself the lock.
///
/// Labels are not stage writes: a person may label in the workbench or with `collate label`
/// while a stage runs (each label is one SQLite transaction).
public final class SessionLock: @unchecked Sendable {
    public static let fileName = "session.lock"

    public let path: String
    /// Guarded by being used from one thread (the stage's) and released once.
    private var descriptor: Int32

    /// Takes the session's lock or throws `SessionLockError.held` naming its holder.
    /// `holder` says what this process is doing (`collate train demo`), for that message.
    public init(session location: SessionLocation, holder: String) throws {
        path = location.folder.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SessionLockError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            let holderText = Self.readHolder(descriptor)
            close(descriptor)
            if code == EWOULDBLOCK {
                throw SessionLockError.held(session: location.name, path: path, holder: holderText)
            }
            throw SessionLockError.cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        self.descriptor = descriptor
        let text = "pid \(getpid()) (\(holder)) since \(ISO8601DateFormatter().string(from: Date()))\n"
        // Naming the holder is best effort: the flock above is the lock.
        if ftruncate(descriptor, 0) == 0 {
            _ = text.utf8CString.withUnsafeBufferPointer { pwrite(descriptor, $0.baseAddress, $0.count - 1, 0) }
        }
    }

    deinit { release() }

    /// Gives the lock back (also done when the object goes away or the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    private static func readHolder(_ descriptor: Int32) -> String? {
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = pread(descriptor, &bytes, bytes.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// What this process is, for the lock file: the command line as typed (program name
    /// shortened to its last component).
    public static func describeThisProcess() -> String {
        var arguments = CommandLine.arguments
        if let first = arguments.first { arguments[0] = URL(fileURLWithPath: first).lastPathComponent }
        return arguments.joined(separator: " ")
    }
}

public enum SessionLockError: Error, Equatable, CustomStringConvertible {
    /// Another process holds the lock; `holder` is what it wrote there (pid, command, since).
    case held(session: String, path: String, holder: String?)
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .held(let session, let path, let holder):
            "session \(session) is busy: \(holder ?? "another process") holds its lock (\(path)); "
                + "wait for it to finish or stop it, then run this again"
        case .cannotOpen(let path, let reason):
            "cannot lock the session (\(path)): \(reason)"
        }
    }
}
