import Collate
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress of a long stage on stderr: on a terminal, one bar redrawn in place with the rate
/// and ETA; otherwise (a log, a pipe) a plain line every tenth of the way and at the end.
/// Prompts an earlier run completed are skipped silently: a stage that finds everything done
/// says so in one line, not ten lines at 0 prompts/s.
final class ProgressReporter {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var started: Date?
    private var lastKey = ""
    private var lastTenth = -1
    private var lastDraw = Date.distantPast

    func report(_ progress: StageProgress, unit: String = "prompts") {
        let key = "\(progress.stage) \(progress.split.rawValue)"
        if key != lastKey {
            if isTerminal && !lastKey.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
            lastKey = key
            started = Date()
            lastTenth = -1
        }
        let elapsed = Date().timeIntervalSince(started ?? Date())
        // Rate over the prompts that needed work: skipped ones cost nothing.
        let rate = elapsed > 0 ? Double(progress.worked) / elapsed : 0
        let remaining = progress.total - progress.done
        let eta = rate > 0 ? Self.duration(Double(remaining) / rate) : "--"
        let finished = progress.done == progress.total
        if progress.worked == 0 {
            guard finished, progress.total > 0 else { return }
            let line = "\(key): \(progress.done)/\(progress.total) \(unit), done in an earlier run\n"
            FileHandle.standardError.write(Data(((isTerminal ? "\r" : "") + line).utf8))
            return
        }
        if isTerminal {
            guard finished || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = progress.total == 0 ? width : width * progress.done / progress.total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let line = "\r\(key) [\(bar)] \(progress.done)/\(progress.total) "
                + String(format: "%.2f \(unit)/s", rate) + " ETA \(eta)\u{1B}[K"
            FileHandle.standardError.write(Data((line + (finished ? "\n" : "")).utf8))
        } else {
            let tenth = progress.total == 0 ? 10 : 10 * progress.done / progress.total
            guard tenth != lastTenth else { return }
            lastTenth = tenth
            let line = "\(key): \(progress.done)/\(progress.total) \(unit), "
                + String(format: "%.2f \(unit)/s", rate) + ", ETA \(eta)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--" }
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%dh%02dm", total / 3600, total % 3600 / 60)
            : String(format: "%dm%02ds", total / 60, total % 60)
    }
}
