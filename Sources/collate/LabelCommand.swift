import ArgumentParser
import Collate
import Foundation

struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Record a human label for a prompt's pair, overriding the effective one.",
        discussion: """
            Exactly one of: --chosen P --rejected Q | --accept | --drop | --keep-filtered | \
            --rationale TEXT [--rejected Q]. The label records its source (human), time, note, the scores it was \
            based on and the label it replaced. Repeating the label in force writes nothing.
            """)

    @OptionGroup var session: SessionOptions

    @Option(parsing: .unconditional, help: "The prompt's id (see `collate status`).")
    var prompt: Int64

    @Option(parsing: .unconditional, help: "Iteration (default: the latest one with rationales, scores or labels for the prompt, else 1).")
    var iteration: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("The winning provider (1...S).", valueName: "P"))
    var chosen: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("The losing provider (1...S).", valueName: "Q"))
    var rejected: Int?

    @Flag(help: "Agree with the auto label as it stands.")
    var accept = false

    @Flag(help: "Do not train on this prompt.")
    var drop = false

    @Flag(help: "Train on the auto pair although the filter dropped it.")
    var keepFiltered = false

    @Option(help: ArgumentHelp("A rationale written by hand; it becomes the chosen side.", valueName: "text"))
    var rationale: String?

    @Option(help: "A note kept with the label.")
    var note: String?

    func validate() throws {
        let kinds = [chosen != nil, accept, drop, keepFiltered, rationale != nil].filter { $0 }.count
        guard kinds == 1 else {
            throw ValidationError("give exactly one of --chosen/--rejected, --accept, --drop, --keep-filtered, --rationale")
        }
        if chosen != nil && rejected == nil { throw ValidationError("--chosen needs --rejected") }
        if (accept || drop || keepFiltered) && rejected != nil {
            throw ValidationError("--rejected goes with --chosen or --rationale")
        }
        try ArgumentChecks.atLeast(1, iteration, "--iteration")
    }

    /// An iteration past the session's and a pair of rationales never written are refused
    /// here: the store would keep the label and train would fail for the whole iteration.
    func checkAgainstStore(_ store: SessionStore, iteration: Int, providerCount: Int) throws {
        let latest = try store.latestIteration() ?? 1
        guard iteration <= latest else {
            throw ValidationError("iteration \(iteration) has nothing yet: the session's latest iteration is \(latest)")
        }
        // A provider outside 1...S is the store's error to name.
        let providers = [chosen, rejected].compactMap { $0 }.filter { (1...max(1, providerCount)).contains($0) }
        guard !providers.isEmpty else { return }
        let written = Set(try store.generations(promptID: prompt, iteration: iteration).map(\.provider))
        if let missing = providers.first(where: { !written.contains($0) }) {
            throw ValidationError("prompt \(prompt) has no rationale of provider \(missing) in iteration \(iteration) "
                + "(run generate first; it has " + (written.isEmpty ? "none" : "providers \(written.sorted())") + ")")
        }
    }

    var request: HumanLabelRequest {
        if let chosen, let rejected { return .pair(chosen: chosen, rejected: rejected) }
        if let rationale { return .rationale(rationale, rejected: rejected) }
        if accept { return .acceptAuto }
        return drop ? .drop : .keepFiltered
    }

    func run() throws {
        let opened = try Session.open(try session.location())
        let iteration = try self.iteration ?? opened.store.latestIteration(promptID: prompt) ?? 1
        try checkAgainstStore(opened.store, iteration: iteration, providerCount: opened.manifest.candidateCount)
        let written = try opened.store.writeHumanLabel(
            promptID: prompt, iteration: iteration, request: request, note: note,
            providerCount: opened.manifest.candidateCount)
        let label = written.label
        let id = label.id.map(String.init) ?? "?"
        if written.unchanged {
            print("unchanged: label \(id) already says this (prompt \(prompt), iteration \(iteration))")
            return
        }
        let replaced = written.replaced.map { " (replaces \($0.source.rawValue) label \($0.id.map(String.init) ?? "?"))" } ?? ""
        print("saved label \(id): prompt \(prompt), iteration \(iteration), \(Self.describe(label))\(replaced)")
        // The label is committed before this line is shown; flush so that a pipe sees it now,
        // not at exit (a test kills the process with SIGKILL right after reading it).
        fflush(nil)  // nil: every output stream (naming stdout trips Swift 6 concurrency checks)
    }

    static func describe(_ label: LabelRecord) -> String {
        let chosen = label.chosenRationale != nil ? "a hand-written rationale" : "provider \(label.chosenProvider ?? 0)"
        switch label.action {
        case .dropped: return "dropped"
        case .withdrawn: return "withdrawn (the auto label is in force)"
        case .chosen, .keptFiltered, .filtered:
            let verb = label.action == .keptFiltered ? "kept (filtered)" : label.action.rawValue
            return "\(verb): \(chosen) over provider \(label.rejectedProvider ?? 0)"
        }
    }
}
