import TUIKit

/// The screens of the workbench; each is also a key context.
public enum Screen: String, Hashable, Sendable, CaseIterable {
    case compare, inspect, train, eval

    public var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// Where a binding applies: on every screen, or on one.
public enum KeyContext: Hashable, Sendable {
    case global
    case screen(Screen)

    public func applies(to screen: Screen) -> Bool {
        if case .screen(let own) = self { return own == screen }
        return true
    }
}

/// One binding: the key sequences that run a command, where, and whether the status bar
/// shows it as a hint. A sequence has one key (`j`) or more (`r` then `1`).
public struct KeyBinding: Hashable, Sendable {
    public var command: Command
    public var sequences: [[Key]]
    public var context: KeyContext
    public var showsHint: Bool

    public init(_ command: Command, _ sequences: [[Key]], context: KeyContext = .global, hint: Bool = false) {
        self.command = command
        self.sequences = sequences
        self.context = context
        self.showsHint = hint
    }

    /// "j/Down", "r 1/!".
    public var keysText: String {
        sequences.map { $0.map(\.description).joined(separator: " ") }.joined(separator: "/")
    }
}

/// What a key (after any pending prefix) means.
public enum KeyLookup: Hashable, Sendable {
    case command(Command)
    /// The keys so far start a longer sequence: wait for the next key.
    case pending([Key])
    case unbound
}

/// The key bindings as data: looked up by the event loop, listed by the help overlay and
/// the status bar, overridden from a keys file (`KeymapFile`).
public struct Keymap: Hashable, Sendable {
    public var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) { self.bindings = bindings }

    /// The bindings that apply on a screen: the screen's own first, then the global ones.
    public func bindings(for screen: Screen) -> [KeyBinding] {
        bindings.filter { $0.context == .screen(screen) } + bindings.filter { $0.context == .global }
    }

    /// Resolves `pending + [key]` on a screen: a whole sequence runs its command (screen
    /// bindings win over global ones); the start of a longer one waits.
    public func lookup(_ keys: [Key], on screen: Screen) -> KeyLookup {
        let candidates = bindings(for: screen)
        for binding in candidates where binding.sequences.contains(keys) { return .command(binding.command) }
        let isPrefix = candidates.contains { binding in
            binding.sequences.contains { $0.count > keys.count && Array($0.prefix(keys.count)) == keys }
        }
        return isPrefix ? .pending(keys) : .unbound
    }

    /// The status bar's hints on a screen, in binding order.
    public func hints(for screen: Screen) -> [KeyHint] {
        // Global hints (quit, help) first: they must survive a narrow status bar.
        let ordered = bindings.filter { $0.context == .global } + bindings.filter { $0.context == .screen(screen) }
        return ordered.filter(\.showsHint).map { binding in
            KeyHint(binding.sequences.first.map { $0.map(\.description).joined(separator: " ") } ?? "",
                    binding.command.hintLabel)
        }
    }

    /// The help overlay's rows on a screen: keys, command name and what it does, filtered by
    /// a case-insensitive substring of any of the three.
    public func helpRows(for screen: Screen, filter: String = "") -> [(keys: String, name: String, summary: String)] {
        let needle = filter.lowercased()
        return bindings(for: screen).compactMap { binding in
            let row = (keys: binding.keysText, name: binding.command.name, summary: binding.command.summary(on: screen))
            guard needle.isEmpty || row.keys.lowercased().contains(needle) || row.name.contains(needle)
                || row.summary.lowercased().contains(needle) else { return nil }
            return row
        }
    }

    /// Replaces the keys of one command (every context it is bound in) and unbinds those
    /// keys from other commands, so the override always wins.
    public mutating func rebind(_ command: Command, to sequences: [[Key]]) {
        for index in bindings.indices {
            if bindings[index].command == command {
                bindings[index].sequences = sequences
            } else {
                bindings[index].sequences.removeAll { sequences.contains($0) }
            }
        }
    }
}

extension Command {
    /// The short word in the status bar.
    var hintLabel: String {
        switch self {
        case .moveDown, .moveUp: "move"
        case .choose: "chosen"
        case .reject: "rejected"
        case .writeRationale: "write"
        case .acceptAuto: "accept"
        case .inspect: "inspect"
        case .pauseJob: "pause"
        case .stopJob: "stop"
        default: name.replacingOccurrences(of: "_", with: " ")
        }
    }
}
