import Foundation
import Testing
import TUIKit
@testable import Workbench

/// A fixed instant, so labels written in tests carry a known time.
let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

enum Fixture {
    /// Three providers, five prompts covering every status glyph: unlabelled, auto,
    /// human agreeing, filtered, human disagreeing.
    static func session() -> SessionSnapshot {
        let rationales = [
            "Natalia sold 48 clips in April. In May she sold half as many, 48 / 2 = 24. Altogether 48 + 24 = 72.",
            "In April 48 clips were sold. May is half of April: 24. So the total is 48 + 24 = 72 clips.",
            "She sold 48 clips and then 48 more in May, so 96 clips in all.",
        ]
        func answers(_ scores: [Double?], correct: [Bool?], predicted: [String?]) -> [ProviderAnswer] {
            (0..<3).map { index in
                ProviderAnswer(provider: index + 1, rationale: rationales[index], predictedAnswer: predicted[index],
                               correct: correct[index], score: scores[index],
                               answerLogProbs: index == 0 ? [-0.05, -0.9, -2.5] : [-0.3, -0.4, -0.6])
            }
        }
        let standard = answers([0.812, 0.655, 0.104], correct: [true, true, false], predicted: ["72", "72", "96"])
        let prompts = [
            PromptItem(id: 101, split: .train,
                       instruction: "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?",
                       goldAnswer: "72", goldAnswerTokens: ["7", "2", "<eos>"], baselineScore: 0.301, answers: standard,
                       autoLabel: PairLabel(action: .chosen, chosenProvider: 1, rejectedProvider: 3)),
            PromptItem(id: 102, split: .train, instruction: "Weng earns $12 an hour for babysitting. Yesterday she did 50 minutes. How much did she earn?",
                       goldAnswer: "10", baselineScore: 0.2,
                       answers: answers([0.5, 0.7, 0.6], correct: [false, true, true], predicted: ["12", "10", "10"]),
                       autoLabel: PairLabel(action: .chosen, chosenProvider: 2, rejectedProvider: 1),
                       humanLabel: PairLabel(action: .chosen, chosenProvider: 2, rejectedProvider: 1, time: fixedNow)),
            PromptItem(id: 103, split: .train, instruction: "Betty needs $100 for a wallet. She has half. Her parents give $15, grandparents twice that. How much more does she need?",
                       goldAnswer: "5", baselineScore: 0.9,
                       answers: answers([0.4, 0.3, 0.2], correct: [false, false, false], predicted: ["15", "20", "30"]),
                       autoLabel: PairLabel(action: .filtered, chosenProvider: 1, rejectedProvider: 3)),
            PromptItem(id: 104, split: .train, instruction: "James writes a 3-page letter to 2 friends twice a week. How many pages a year?",
                       goldAnswer: "624", baselineScore: 0.1,
                       answers: answers([0.6, 0.5, 0.4], correct: [true, true, false], predicted: ["624", "624", "312"]),
                       autoLabel: PairLabel(action: .chosen, chosenProvider: 1, rejectedProvider: 3),
                       humanLabel: PairLabel(action: .chosen, chosenProvider: 2, rejectedProvider: 3, time: fixedNow)),
            PromptItem(id: 105, split: .validation, instruction: "Mark has a garden with flowers: 10 yellow, 80% more purple, and 25% as many green as yellow and purple. How many flowers?",
                       goldAnswer: "35"),
        ]
        let eval = [EvalRow(iteration: 0, direct: 0.21, providers: [0.30, 0.28, 0.25], selected: 0.30, oracle: 0.41),
                    EvalRow(iteration: 1, direct: 0.21, providers: [0.34, 0.31, 0.29], selected: 0.34, oracle: 0.45)]
        return SessionSnapshot(name: "demo", providers: ["alpha", "beta", "gamma"], iteration: 1, prompts: prompts,
                               evalRows: eval)
    }

    static func state(size: Size = Size(width: 80, height: 24)) -> WorkbenchState {
        WorkbenchState(session: session(), size: size, themeName: "dark", themeNames: ["dark", "light", "high-contrast"])
    }
}

/// The backend double: holds a session in memory, records label writes and job commands,
/// and lets a test play a job's events.
final class MemoryBackend: WorkbenchBackend, @unchecked Sendable {
    var session: SessionSnapshot
    private(set) var writes: [(promptID: Int64, label: PairLabel?)] = []
    private(set) var commands: [JobCommand] = []
    var report: (@Sendable (JobEvent) -> Void)?
    var failWrites = false

    struct WriteFailed: Error, CustomStringConvertible { var description: String { "disk full" } }

    init(session: SessionSnapshot = Fixture.session()) { self.session = session }

    func loadSession() throws -> SessionSnapshot { session }

    func renderedPrompts(promptID: Int64, provider: Int) throws -> [RenderedPrompt] {
        let instruction = session.prompts.first { $0.id == promptID }?.instruction ?? ""
        return [RenderedPrompt(mode: "I -> A", text: "Question: \(instruction)\nAnswer:"),
                RenderedPrompt(mode: "I -> R", text: "Question: \(instruction)\nReasoning (provider \(provider)):")]
    }

    func writeHumanLabel(promptID: Int64, label: PairLabel?, kind: LabelWriteKind) throws {
        if failWrites { throw WriteFailed() }
        writes.append((promptID, label))
        if let index = session.prompts.firstIndex(where: { $0.id == promptID }) { session.prompts[index].humanLabel = label }
    }

    func control(_ command: JobCommand, report: @escaping @Sendable (JobEvent) -> Void) throws {
        commands.append(command)
        self.report = report
    }
}

/// Presses keys through the keymap and the update function; returns every effect.
@discardableResult
func press(_ keys: [Key], _ state: inout WorkbenchState) -> [Effect] {
    var effects: [Effect] = []
    for key in keys {
        for action in KeyRouter.actions(for: .key(key), state: state) {
            effects += Workbench.update(&state, action, now: fixedNow)
        }
    }
    return effects
}

func keys(_ text: String) -> [Key] { text.map(Key.char) }
