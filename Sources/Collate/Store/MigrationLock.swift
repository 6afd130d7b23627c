import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening a store and migrating it happen under an exclusive `flock` on `<store>.lock`.
/// Two processes that open a new store at once (two `collate run` variants started together
/// on a fresh clone) would otherwise both read "no migration applied" and the second would
/// fail creating the tables the first had just made. The lock is a file of its own because
/// closing any descriptor of the database file would drop SQLite's own POSIX locks on it.
enum MigrationLock {
    static func holding<T>(for store: URL, _ body: () throws -> T) throws -> T {
        let path = store.path + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError.lock(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError.lock(path, String(cString: strerror(errno))) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
