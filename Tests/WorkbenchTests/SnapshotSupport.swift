import Foundation
import Testing
import TUIKit

/// Compares rendered rows with `Snapshots/NAME.txt` next to this file. With
/// RECORD_SNAPSHOTS=1 in the environment the file is (re)written instead; otherwise a
/// mismatch records the differing rows, expected then actual.
func expectSnapshot(_ lines: [String], named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = directory.appendingPathComponent(name + ".txt")
    let actual = lines.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
        } catch {
            Issue.record("cannot record \(file.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record("no snapshot \(file.path): run with RECORD_SNAPSHOTS=1 to record it", sourceLocation: sourceLocation)
        return
    }
    guard expected != actual else { return }
    let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var report = "snapshot \(name) differs (RECORD_SNAPSHOTS=1 re-records it):"
    for row in 0..<max(want.count, got.count) {
        let a = row < want.count ? String(want[row]) : "<none>"
        let b = row < got.count ? String(got[row]) : "<none>"
        if a != b { report += "\nrow \(row):\n- \(a)\n+ \(b)" }
    }
    Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
}
