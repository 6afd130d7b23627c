import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checkpoint files on disk: written to a temporary name, flushed to the disk, renamed into
/// place (a reader, or a run resumed after a kill, sees the old file or the new one, never
/// half of one); read back with errors that name the file.
public enum CheckpointFile {
    public static func write(_ checkpoint: TrainingCheckpoint, to url: URL) throws(TrainingError) {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let bytes = checkpoint.encoded()
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw TrainingError.io(path: temporary.path, reason: "cannot create the file")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: bytes)
                try handle.synchronize()  // the bytes are on the disk before the name points at them
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw TrainingError.io(path: url.path, reason: "rename failed: \(String(cString: strerror(errno)))")
            }
        } catch let error as TrainingError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }

    public static func read(_ url: URL) throws(TrainingError) -> TrainingCheckpoint {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .io(path: url.path, reason: "cannot read the checkpoint: \(error.localizedDescription)")
        }
        do {
            return try TrainingCheckpoint(decoding: [UInt8](data))
        } catch {
            throw .corruptCheckpoint(path: url.path, reason: error.reason)
        }
    }
}
