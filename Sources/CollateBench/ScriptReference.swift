import Foundation

/// A long-running Python reference script that answers one line per request line, so the
/// reference can be timed interleaved with ours (BENCHMARKS.md). Its first line is a banner.
final class ScriptReference {
    enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case badReply(String)
        var description: String {
            switch self {
            case .missing(let path): "not found: \(path)"
            case .badReply(let text): "unexpected reply from the reference: \(text.prefix(300))"
            }
        }
    }

    private(set) var banner = ""
    private let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffered = Data()

    init(python: String, script: String, arguments: [String], environment extra: [String: String] = [:],
         removing removed: [String] = []) throws {
        for path in [python, script] where !FileManager.default.fileExists(atPath: path) {
            throw Failure.missing(path)
        }
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        for key in removed { environment[key] = nil }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let first = try readLine()
        guard first.hasPrefix("{") else { throw Failure.badReply(first) }
        banner = first
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Sends `request` and returns the number the script answers with.
    func ask(_ request: String) throws -> Double {
        try input.fileHandleForWriting.write(contentsOf: Data((request + "\n").utf8))
        let reply = try readLine()
        guard let value = Double(reply), value >= 0 else { throw Failure.badReply(reply) }
        return value
    }

    private func readLine() throws(Failure) -> String {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw Failure.badReply("the script exited") }
            buffered.append(chunk)
        }
    }

    /// The reference venv (scripts/reference-venv, run from the checkout this binary was
    /// built from), or nil with the reason when it cannot be had.
    static func venvPython() -> (path: String?, reason: String) {
        let script = checkoutPath("scripts/reference-venv")
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: script)
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        do { try process.run() } catch { return (nil, "cannot run \(script): \(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let venv = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !venv.isEmpty else {
            return (nil, "reference venv unavailable (scripts/reference-venv exit \(process.terminationStatus))")
        }
        return (venv + "/bin/python", venv)
    }
}

/// A path inside the checkout this binary was built from.
func checkoutPath(_ relative: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(relative).path
}

/// Peak resident memory of this process in MB (VmHWM of /proc/self/status), nil elsewhere.
func peakResidentMB() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let fields = line.split(separator: " ")
        if fields.count >= 2, let kb = Double(fields[1]) { return kb / 1024 }
    }
    return nil
}
