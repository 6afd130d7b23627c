import Foundation  // Date
import TUIKit

extension Workbench {
    /// Folds a job's report into the state: progress, metrics for the charts, streamed
    /// tokens into the columns, new scores and labels, log lines.
    static func apply(_ event: JobEvent, _ state: inout WorkbenchState, now: Date) {
        switch event {
        case .started(let kind, let total):
            state.jobs[kind] = JobStatus(phase: .running, done: 0, total: total, tokensPerSecond: nil,
                                         startedAt: now, elapsedSeconds: 0)
        case .progress(let kind, let done, let total, let tokensPerSecond):
            var status = state.jobs[kind] ?? JobStatus(phase: .running, done: 0, total: total, tokensPerSecond: nil,
                                                       startedAt: now, elapsedSeconds: 0)
            status.done = done
            status.total = total
            status.tokensPerSecond = tokensPerSecond ?? status.tokensPerSecond
            status.elapsedSeconds = now.timeIntervalSince(status.startedAt)
            if status.baselineDone == nil {
                status.baselineDone = done
                status.baselineSeconds = status.elapsedSeconds
            }
            state.jobs[kind] = status
        case .metric(let step, let name, let value, let provider):
            state.metrics.append(name, provider: provider, step: step, value: value)
        case .trainRunStarted(let provider, let fromStep):
            state.metrics.runStarted(provider: provider, at: fromStep)
        case .token(let promptID, let provider, let text):
            guard let index = state.session.prompts.firstIndex(where: { $0.id == promptID }) else { return }
            if let answer = state.session.prompts[index].answers.firstIndex(where: { $0.provider == provider }) {
                state.session.prompts[index].answers[answer].rationale += text
            } else {
                state.session.prompts[index].answers.append(ProviderAnswer(provider: provider, rationale: text))
                state.session.prompts[index].answers.sort { $0.provider < $1.provider }
            }
        case .promptUpdated(let prompt):
            if let index = state.session.prompts.firstIndex(where: { $0.id == prompt.id }) {
                state.session.prompts[index] = prompt
            } else {
                state.session.prompts.append(prompt)
            }
        case .evalRow(let row):
            if let index = state.session.evalRows.firstIndex(where: { $0.iteration == row.iteration }) {
                state.session.evalRows[index] = row
            } else {
                state.session.evalRows.append(row)
                state.session.evalRows.sort { $0.iteration < $1.iteration }
            }
        case .log(let line):
            // Scrolled back, the view stays on the lines being read while new ones arrive.
            let before = state.logScrollBack > 0 ? TrainView.maxLogScroll(state) : 0
            state.logLines.append(line)
            if state.logLines.count > WorkbenchState.logLineLimit {
                state.logLines.removeFirst(state.logLines.count - WorkbenchState.logLineLimit)
            }
            if state.logScrollBack > 0 {
                state.logScrollBack = min(TrainView.maxLogScroll(state),
                                          max(0, state.logScrollBack + TrainView.maxLogScroll(state) - before))
            }
        case .paused(let kind):
            state.jobs[kind]?.phase = .paused
        case .resumed(let kind):
            state.jobs[kind]?.phase = .running
        case .finished(let kind):
            state.jobs[kind]?.phase = .finished
            state.message = StatusMessage(text: "\(kind.rawValue) finished", isError: false)
        case .stopped(let kind):
            state.jobs[kind]?.phase = .stopped
            state.message = StatusMessage(text: "\(kind.rawValue) stopped", isError: false)
        case .failed(let kind, let text):
            state.jobs[kind]?.phase = .failed(text)
            state.message = StatusMessage(text: "\(kind.rawValue) failed: \(text)", isError: true)
        }
    }
}
