import Foundation

/// A private tmux server (its own socket) running one program in a detached window, driven
/// by send-keys and read by capture-pane, as a person at a terminal would.
struct Tmux {
    static let executable = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let socket = "collate-e2e-\(UUID().uuidString.prefix(8))"
    let session = "wb"

    struct Failed: Error, CustomStringConvertible { let description: String }

    /// Runs one tmux command, returning its output.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        guard let executable = Self.executable else { throw Failed(description: "tmux is not installed") }
        let result = try Spawn.run(executable, ["-L", socket] + arguments)
        guard result.status == 0 else {
            throw Failed(description: "tmux \(arguments.joined(separator: " ")): \(result.output)")
        }
        return result.output
    }

    /// Starts `command` in a detached width x height window; the window closes when it exits.
    func start(_ command: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        let assignments = environment.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        try run(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                 assignments.isEmpty ? command : "env \(assignments) \(command)"])
    }

    func send(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }

    func screen() throws -> String { try run(["capture-pane", "-p", "-t", session]) }

    var isRunning: Bool { (try? run(["has-session", "-t", session])) != nil }

    /// Polls the screen until `condition` holds; returns it, or throws after `timeout` seconds.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 20, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            if let text = try? screen() {
                last = text
                if condition(text) { return text }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw Failed(description: "timed out waiting for \(what); the screen was:\n\(last)")
    }

    func waitUntilExited(timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            guard Date() < deadline else { throw Failed(description: "the program did not exit") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func kill() { _ = try? run(["kill-server"]) }
}
