import Foundation
import LLM

/// The `vllm serve` command line that serves a session's providers with vLLM's multi-LoRA:
/// the base (mift/, else the manifest's model) once, each provider's adapter as a named LoRA
/// module (`provider-<P>=<absolute path>`), `--max-lora-rank` the smallest value vLLM accepts
/// that covers every adapter, `--max-loras` the number of providers so that one batch can mix
/// all of them. A request picks a provider with `"model": "provider-2"`.
public struct VLLMServeCommand: Sendable, Equatable {
    public struct Module: Sendable, Equatable {
        public let name: String
        public let path: String
        public let rank: Int
    }

    public let base: String
    public let modules: [Module]
    /// Problems vLLM would have with an adapter (`VLLMCompatibility.warnings`), by module name.
    public let warnings: [String]
    /// Providers served with an adapter of an earlier iteration.
    public let notes: [String]

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case noAdapters(iteration: Int?)
        case rankTooLarge(Int)

        public var description: String {
            switch self {
            case .noAdapters(let iteration):
                if let iteration { return "no provider adapters in adapters/iteration-\(iteration)" }
                return "no provider adapters yet (run the providers stage, then train)"
            case .rankTooLarge(let rank): return "LoRA rank \(rank) is over vLLM's largest --max-lora-rank (512)"
            }
        }
    }

    public init(base: String, modules: [Module], warnings: [String] = [], notes: [String] = []) {
        self.base = base
        self.modules = modules
        self.warnings = warnings
        self.notes = notes
    }

    /// Each provider's adapter of `iteration` (default: the latest iteration with any), or
    /// when it has none there, its newest adapter of an earlier iteration (said in `notes`).
    public init(session: Session, iteration: Int? = nil) throws {
        let chosen = try iteration ?? Self.latestIteration(session)
        guard let chosen else { throw Error.noAdapters(iteration: nil) }
        var modules: [Module] = [], warnings: [String] = [], notes: [String] = []
        let workspace = try SessionWorkspace(session)
        for provider in workspace.providers {
            let found = try stride(from: chosen, through: 0, by: -1).lazy.map { AdapterID(iteration: $0, provider: provider) }
                .first(where: workspace.hasAdapter)
            guard let found else { continue }
            let (iteration, directory) = (found.iteration, workspace.adapterDirectory(found))
            let configURL = directory.appendingPathComponent(LoRAAdapter.configFileName)
            let config = try PEFTExport.readConfig(configURL)
            let name = found.name
            if iteration != chosen { notes.append("\(name): no adapter in iteration \(chosen), serving iteration \(iteration)'s") }
            modules.append(Module(name: name, path: directory.standardizedFileURL.path, rank: config["r"]?.intValue ?? 0))
            warnings += VLLMCompatibility.warnings(config: config).map { "\(name): \($0)" }
        }
        guard !modules.isEmpty else { throw Error.noAdapters(iteration: chosen) }
        self.init(base: session.miftDirectory.standardizedFileURL.path, modules: modules,
                  warnings: warnings, notes: notes)
    }

    /// The newest `adapters/iteration-<I>` that holds a provider adapter.
    static func latestIteration(_ session: Session) throws -> Int? {
        // The store's rows (checked against the directories as the workspace opens).
        try SessionWorkspace(session).store.adapters().map(\.iteration).max()
    }

    /// The arguments after `vllm`: serve BASE --enable-lora --lora-modules n=p ... --max-lora-rank R --max-loras S.
    public func arguments() throws -> [String] {
        let largest = modules.map(\.rank).max() ?? 1
        guard let rank = VLLMCompatibility.maxLoRARank(for: largest) else { throw Error.rankTooLarge(largest) }
        return ["serve", base, "--enable-lora", "--lora-modules"] + modules.map { "\($0.name)=\($0.path)" }
            + ["--max-lora-rank", String(rank), "--max-loras", String(modules.count)]
    }

    /// One shell line; arguments with characters the shell would interpret are single-quoted.
    public func commandLine() throws -> String {
        (["vllm"] + (try arguments())).map(Self.shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ plain.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
