import Foundation  // String(format:)
import TUIKit

/// Live DPO training: braille charts of TRL's metrics, progress with rate and ETA, and the
/// last log lines.
enum TrainView {
    static func render(_ state: WorkbenchState, in area: Rect, buffer: inout Buffer) {
        let rows = Layout.vertical([.min(8), .fixed(4), .ratio(1, 5)]).split(area)
        let chartRows = Layout.vertical([.ratio(1, 2), .ratio(1, 2)]).split(rows[0])
        let top = Layout.horizontal([.ratio(1, 2), .ratio(1, 2)]).split(chartRows[0])
        let bottom = Layout.horizontal([.ratio(1, 2), .ratio(1, 2)]).split(chartRows[1])
        // nll_loss is there only with [dpo] sft_weight > 0: the SFT term, unweighted, beside the total.
        renderChart("loss", series: [("loss", 0), ("nll_loss", 1)], state: state, in: top[0], buffer: &buffer)
        renderChart("rewards/margins", series: [("rewards/margins", 1)], state: state, in: top[1], buffer: &buffer)
        renderChart("rewards/accuracies", series: [("rewards/accuracies", 2)], state: state, in: bottom[0], buffer: &buffer)
        renderChart("rewards/chosen & rejected", series: [("rewards/chosen", 2), ("rewards/rejected", 3)], state: state,
                    in: bottom[1], buffer: &buffer)
        renderProgress(state, in: rows[1], buffer: &buffer)
        // Wrapped, never cut; k/j and PgUp/PgDn scroll back, and the title says where.
        let paragraph = logParagraph(state)
        let inner = Block(title: "Log").inner(rows[2])
        let maxScroll = paragraph.maxScroll(in: inner)
        let back = min(state.logScrollBack, maxScroll)
        let total = paragraph.lineCount(width: inner.width)
        let title = maxScroll == 0 ? "Log"
            : "Log \(maxScroll - back + 1)-\(min(total, maxScroll - back + inner.height)) of \(total) (k j PgUp PgDn)"
        let logBlock = Block(title: title)
        buffer.render(logBlock, in: rows[2])
        buffer.render(Paragraph(paragraph.lines, scroll: maxScroll - back, style: paragraph.style), in: inner)
    }

    static func logParagraph(_ state: WorkbenchState) -> Paragraph {
        Paragraph(state.logLines.map { Line($0, style: Style(.muted)) })
    }

    /// How far back the log can scroll at this terminal size (its first line at the top).
    static func maxLogScroll(_ state: WorkbenchState) -> Int {
        let rows = Layout.vertical([.min(8), .fixed(4), .ratio(1, 5)]).split(CompareLayout.body(state.size))
        return logParagraph(state).maxScroll(in: Block(title: "Log").inner(rows[2]))
    }

    static func renderChart(_ title: String, series: [(name: String, colour: Int)], state: WorkbenchState, in area: Rect,
                            buffer: inout Buffer) {
        let block = Block(title: title)
        buffer.render(block, in: area)
        let inner = block.inner(area)
        // One line per provider's run; with several providers each is named and coloured apart.
        let providers = Set(series.flatMap { state.metrics.providers(of: $0.name) }).sorted()
        let data = series.flatMap { entry -> [ChartSeries] in
            let shortName = entry.name.split(separator: "/").last.map(String.init) ?? entry.name
            return state.metrics.providers(of: entry.name).compactMap { provider -> ChartSeries? in
                guard let points = state.metrics[entry.name, provider: provider], !points.isEmpty else { return nil }
                let name = providers.count > 1 ? "\(shortName) RP\(provider)" : shortName
                let colour = entry.colour + (providers.firstIndex(of: provider) ?? 0) * series.count
                return ChartSeries(name, points: points, style: Style(.series(colour)))
            }
        }
        guard !data.isEmpty else {
            buffer.write("no steps yet: t trains", x: inner.x, y: inner.y, style: Style(.muted), maxWidth: inner.width)
            return
        }
        buffer.render(LineChart(data, showsLegend: data.count > 1), in: inner)
    }

    static func renderProgress(_ state: WorkbenchState, in area: Rect, buffer: inout Buffer) {
        let job = state.jobs[.train]
        let phase: String
        switch job?.phase {
        case nil: phase = "idle"
        case .running: phase = "running"
        case .paused: phase = "paused"
        case .finished: phase = "finished"
        case .stopped: phase = "stopped"
        case .failed(let text): phase = "failed: \(text)"
        }
        let block = Block(title: "Training · \(phase)")
        buffer.render(block, in: area)
        let inner = block.inner(area)
        guard !inner.isEmpty else { return }
        // The job's steps so far; before any progress report (or with a stored run alone), the
        // latest run's last step.
        let latest = state.metrics.providers(of: "loss").last.flatMap { state.metrics["loss", provider: $0]?.last }
        let step = job.flatMap { $0.done > 0 ? $0.done : nil } ?? latest.map { Int($0.x) }
        let loss = latest?.y
        let tokens = job?.tokensPerSecond.map { String(format: "%.1f", $0) } ?? "-"
        let progress = Progress(done: Double(job?.done ?? 0), total: Double(job?.total ?? state.trainSteps),
                                elapsedSeconds: job?.elapsedSeconds ?? 0)
        // A paused, stopped or finished run is not on its way anywhere: no ETA.
        let eta = job?.phase == .running ? progress.etaSeconds.map(Progress.formatDuration) ?? "--:--" : "--:--"
        let summary = "step \(step.map(String.init) ?? "-")   loss \(Format.score(loss))   tokens/s \(tokens)   ETA \(eta)"
            + "   t starts \(state.trainSteps) steps"
        buffer.write(summary, x: inner.x, y: inner.y, maxWidth: inner.width)
        if inner.height > 1 {
            buffer.render(ProgressBar(progress, unit: "step", showsETA: job?.phase == .running), in: inner.row(1))
        }
    }
}
