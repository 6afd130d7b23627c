import Foundation  // String(format:)
import TUIKit

/// Draws the whole screen from the state: pure, so tests render it into a buffer and
/// compare lines; the runner presents the buffer and the terminal draws only the diff.
public enum WorkbenchView {
    /// Smaller terminals get a notice instead of a squeezed layout.
    public static let minimumSize = Size(width: 80, height: 24)

    public static func render(_ state: WorkbenchState) -> Buffer {
        var buffer = Buffer(size: state.size)
        let area = buffer.area
        guard state.size.width >= minimumSize.width, state.size.height >= minimumSize.height else {
            renderTooSmall(state.size, into: &buffer)
            return buffer
        }
        let rows = Layout.vertical([.fixed(1), .min(1), .fixed(1)]).split(area)
        renderTitleBar(state, in: rows[0], buffer: &buffer)
        switch state.screen {
        case .compare: CompareView.render(state, in: rows[1], buffer: &buffer)
        case .inspect: InspectView.render(state, in: rows[1], buffer: &buffer)
        case .train: TrainView.render(state, in: rows[1], buffer: &buffer)
        case .eval: EvalView.render(state, in: rows[1], buffer: &buffer)
        }
        renderStatusLine(state, in: rows[2], buffer: &buffer)
        if let input = state.input {
            switch input.kind {
            case .help: Overlays.renderHelp(state, input: input, in: rows[1], buffer: &buffer)
            case .palette: Overlays.renderPalette(state, input: input, in: rows[1], buffer: &buffer)
            case .search, .writeRationale, .note: break  // drawn in the status line
            }
        }
        return buffer
    }

    /// A centred notice that says what is wrong and what to do, clipped to any size.
    static func renderTooSmall(_ size: Size, into buffer: inout Buffer) {
        let lines = [
            "Terminal too small: \(size.width)x\(size.height)",
            "collate needs at least \(minimumSize.width)x\(minimumSize.height).",
            "Enlarge the window, or press q to quit.",
        ]
        let top = max(0, (size.height - lines.count) / 2)
        for (row, line) in lines.enumerated() {
            let x = max(0, (size.width - line.displayWidth) / 2)
            buffer.write(line, x: x, y: top + row, style: Style(row == 0 ? .warning : .normal))
        }
    }

    static func renderTitleBar(_ state: WorkbenchState, in area: Rect, buffer: inout Buffer) {
        buffer.fill(area, with: Cell(" ", style: Style(.statusBar)))
        var spans = [Span(" collate ", style: Style(.accent, .bold)),
                     Span("\(state.session.name) · round \(state.session.iteration)  ", style: Style(.statusBar))]
        for screen in [Screen.compare, .train, .eval] {
            let current = state.screen == screen || (screen == .compare && state.screen == .inspect)
            spans.append(Span(" \(screen.title) ", style: current ? Style(.selection, .bold) : Style(.statusBar)))
        }
        buffer.write(Line(spans), x: area.x, y: area.y, maxWidth: area.width)
        var right: [String] = []
        for kind in JobKind.allCases {
            guard let job = state.jobs[kind], job.isActive else { continue }
            right.append("\(kind.rawValue) \(job.progressText)" + (job.phase == .paused ? " paused" : ""))
        }
        let human = state.session.prompts.filter { $0.humanLabel != nil }.count
        right.append("human \(human)/\(state.session.prompts.count)")
        // Blind mode hides it: it moves the moment a label agrees or not with the auto one.
        if !state.blind, let fraction = Agreement(state.session.prompts).fraction {
            right.append("agree \(Format.percent(fraction))")
        }
        // Drop pieces from the end until the right side fits beside the left.
        let room = area.width - Line(spans).displayWidth - 1
        while !right.isEmpty, right.joined(separator: " · ").displayWidth + 1 > room { right.removeLast() }
        let text = right.joined(separator: " · ") + " "
        if !right.isEmpty { buffer.write(text, x: area.maxX - text.displayWidth, y: area.y, style: Style(.statusBar)) }
    }

    static func renderStatusLine(_ state: WorkbenchState, in area: Rect, buffer: inout Buffer) {
        if let input = state.input {
            switch input.kind {
            case .search:
                buffer.render(TextInput(input.field, prompt: "/", style: Style(.statusBar)), in: area)
                return
            case .writeRationale:
                buffer.render(TextInput(input.field, prompt: "your rationale (Enter saves, Esc cancels): ",
                                        style: Style(.statusBar)), in: area)
                return
            case .note:
                buffer.render(TextInput(input.field, prompt: "note (Enter saves, Esc cancels): ", style: Style(.statusBar)),
                              in: area)
                return
            case .help, .palette:
                break
            }
        }
        if let message = state.message {
            buffer.fill(area, with: Cell(" ", style: Style(.statusBar)))
            buffer.write(" " + message.text, x: area.x, y: area.y, style: Style(message.isError ? .error : .statusBar),
                         maxWidth: area.width)
            return
        }
        buffer.render(StatusBar(state.keymap.hints(for: state.screen)), in: area)
    }
}

/// Number formats shared by the screens.
enum Format {
    static func score(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.3f", value)
    }

    static func signed(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%+.3f", value)
    }

    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.1f%%", value * 100)
    }
}
