import ArgumentParser
import Foundation
import TUIKit
import Workbench

/// `collate-bench render`: the cost of one frame of a full 200x60 Compare screen (three
/// provider columns with long rationales, word diff on), as the app pays it: render the state
/// to a buffer and diff it against the previous frame. The reference is a naive full repaint
/// of the same screen: render, then send every cell (a diff against a blank screen), with
/// the wrapped-line cache emptied each frame, as a program without one would.
struct RenderBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Milliseconds per frame of a 200x60 Compare screen: render + diff vs a naive full repaint."
    )

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Frames per repetition side (median of repetitions reported).")
    var frames = 50

    @Option(help: "Timed repetitions per side; at least 5.")
    var reps = 7

    func validate() throws {
        guard reps >= 5 else { throw ValidationError("--reps must be at least 5") }
        guard frames >= 1 else { throw ValidationError("--frames must be at least 1") }
    }

    func run() throws {
        let size = Size(width: 200, height: 60)
        var state = WorkbenchState(session: Self.session(), size: size)
        state.showsDiff = true
        let blank = Buffer(size: size)
        var previous = WorkbenchView.render(state)
        var changed = 0

        // Each frame moves the selection (j/k alternately), so the columns really change.
        func ours() {
            for frame in 0..<frames {
                state.selectedPrompt = frame % 2
                let next = WorkbenchView.render(state)
                changed &+= BufferDiff(from: previous, to: next).changedCellCount
                previous = next
            }
        }
        func naive() {
            for frame in 0..<frames {
                state.selectedPrompt = frame % 2
                state.wrapCache.removeAll()
                let next = WorkbenchView.render(state)
                changed &+= BufferDiff(from: blank, to: next).changedCellCount
            }
        }
        ours(); naive()  // warm-up
        var oursMs: [Double] = [], naiveMs: [Double] = []
        for _ in 0..<reps {  // interleaved
            var start = now(); ours(); oursMs.append((now() - start) * 1000 / Double(frames))
            start = now(); naive(); naiveMs.append((now() - start) * 1000 / Double(frames))
        }
        let a = Summary(oursMs), b = Summary(naiveMs)
        let ratio = b.median / a.median
        if json {
            print("{\"bench\": \"render\", \"shape\": \"200x60\", \"threads\": 1, \"ours\": \(fmt(a.median)), "
                  + "\"ref\": \(fmt(b.median)), \"ratio\": \(fmt(ratio)), \"unit\": \"ms/frame\", "
                  + "\"ref_name\": \"naive-full-repaint\"}")
        } else {
            print("Compare screen 200x60, 3 providers, word diff on; ms per frame, median of \(reps) x \(frames) frames (min-max)")
            print("ours (render + diff):         \(fmt(a.median)) (\(fmt(a.min))-\(fmt(a.max)))")
            print("naive full repaint:           \(fmt(b.median)) (\(fmt(b.min))-\(fmt(b.max)))")
            print("speed-up ours vs naive:       \(fmt(ratio))x   budget: 2 ms median -> \(a.median < 2 ? "met" : "MISSED")")
            print("(cells sent, checksum: \(changed))")
        }
    }

    private func fmt(_ value: Double) -> String { String(format: "%.3f", value) }

    /// Two prompts, three providers with rationales long enough to wrap over the columns.
    static func session() -> SessionSnapshot {
        let steps = [
            "Natalia sold 48 clips in April. In May she sold half as many, so 48 / 2 = 24 clips.",
            "Altogether she sold 48 + 24 = 72 clips in April and May, which is the answer.",
            "Weng earns 12 dollars an hour; 50 minutes is 50 / 60 of an hour, so she earned 10.",
            "日本語のテキストも幅を正しく数える 🙂 and emoji take two cells each.",
        ]
        func rationale(_ seed: Int) -> String {
            (0..<12).map { steps[($0 + seed) % steps.count] }.joined(separator: " ")
        }
        let prompts = (0..<2).map { index in
            PromptItem(
                id: Int64(index + 1), split: .train,
                instruction: "Natalia sold clips to 48 of her friends in April, and then she sold half as many "
                    + "clips in May. How many clips did Natalia sell altogether in April and May?",
                goldAnswer: "72", goldAnswerTokens: ["7", "2"], baselineScore: 0.2,
                answers: (1...3).map {
                    ProviderAnswer(provider: $0, rationale: rationale($0 + index), predictedAnswer: "72",
                                   correct: $0 != 3, score: 0.3 + 0.2 * Double($0), answerLogProbs: [-0.1, -0.3])
                },
                autoLabel: PairLabel(action: .chosen, chosenProvider: 3, rejectedProvider: 1))
        }
        return SessionSnapshot(name: "bench", providers: ["RP1", "RP2", "RP3"], iteration: 1, prompts: prompts)
    }
}
