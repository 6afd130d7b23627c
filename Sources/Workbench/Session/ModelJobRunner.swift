import Collate
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The runner with the model runtime: each job on its own background thread, below the UI's
/// priority, one job at a time, reporting through `report` (which wakes the UI thread).
///
/// Train runs `TrainStage` for every provider in turn, `steps` DPO steps each (see
/// `TrainJob`); generate, score (then pairs) and eval run their stages (see `StageJob`).
/// Pause and stop both ask the trainer to stop after the step it is on (it checkpoints
/// there); pause keeps the plan so resume continues from that checkpoint, stop forgets it (a
/// later `t` still resumes the stored run, as `collate train` does). Stop ends a stage job
/// within a decoding step, keeping every prompt it finished.
public final class ModelJobRunner: SessionJobRunner, Sendable {
    /// What the UI asked of the running job, read by the job between steps.
    enum Request: Sendable { case pause, stop }

    struct Control: Sendable {
        var running: JobKind?
        var request: Request?
        /// A paused train job's remaining work.
        var pausedTrain: TrainJob.Plan?
    }

    private let state = Mutex(Control())
    /// The session's workspace, kept between jobs: M_IFT is loaded by the first job that needs
    /// it and shared by every later one (a new session or manifest gets a new workspace).
    private let cachedWorkspace = Mutex<SessionWorkspace?>(nil)

    func workspace(for session: Session) throws -> SessionWorkspace {
        try cachedWorkspace.withLock { cached throws -> SessionWorkspace in
            if let cached, cached.location == session.location, cached.manifest == session.manifest { return cached }
            let fresh = try SessionWorkspace(session)
            cached = fresh
            return fresh
        }
    }
    /// The nice value the job threads run at (the UI thread keeps 0).
    let niceness: Int32

    public init(niceness: Int32 = 10) {
        self.niceness = niceness
    }

    /// Whether a job is running now (a paused one is not).
    public var isBusy: Bool { state.withLock { $0.running != nil } }

    public func control(_ command: JobCommand, session: Session, iteration: Int,
                        report: @escaping @Sendable (JobEvent) -> Void) throws {
        switch command {
        case .start(.train, let steps):
            let plan = TrainJob.Plan(iteration: iteration, steps: steps,
                                     providers: Array(1...max(1, session.manifest.effectiveProviderCount)))
            launch(.train, session: session, report: report) { [self] in
                state.withLock { $0.pausedTrain = nil }
                var job = TrainJob(session: session, workspace: try? workspace(for: session), plan: plan,
                                   report: report, request: currentRequest)
                return job.run(resuming: false)
            }
        case .start(let kind, _):
            launch(kind, session: session, report: report) { [self] in
                do {
                    return StageJob(kind: kind, session: session, workspace: try workspace(for: session),
                                    iteration: iteration, report: report, request: currentRequest).run()
                } catch {
                    return .failed("\(error)")
                }
            }
        case .pause(let kind):
            let asked = state.withLock { control -> Bool in
                guard control.running == kind, kind == .train else { return false }
                control.request = .pause
                return true
            }
            if asked { report(.log("\(kind.rawValue): pausing after the current step")) }
            else { report(.failed(kind, message: "no \(kind.rawValue) job is running to pause")) }
        case .resume(let kind):
            guard kind == .train, let plan = state.withLock({ $0.pausedTrain }) else {
                report(.failed(kind, message: "no paused \(kind.rawValue) job to resume"))
                return
            }
            launch(.train, session: session, report: report) { [self] in
                state.withLock { $0.pausedTrain = nil }
                report(.resumed(.train))
                var job = TrainJob(session: session, workspace: try? workspace(for: session), plan: plan,
                                   report: report, request: currentRequest)
                return job.run(resuming: true)
            }
        case .stop(let kind):
            let outcome = state.withLock { control -> [JobEvent] in
                if control.running == kind {
                    control.request = .stop
                    return [.log("\(kind.rawValue): stopping after the current step")]
                }
                if kind == .train, control.pausedTrain != nil {
                    control.pausedTrain = nil
                    return [.log("train stopped while paused; t resumes the stored run from its last checkpoint"),
                            .stopped(.train)]
                }
                return [.failed(kind, message: "no \(kind.rawValue) job is running to stop")]
            }
            for event in outcome { report(event) }
        }
    }

    /// The request waiting for the running job, if any.
    @Sendable func currentRequest() -> Request? { state.withLock { $0.request } }

    /// Runs `body` on a new low-priority thread unless a job is running; `body`'s ending is
    /// reported after the runner is free again, so the UI may start the next job at once.
    /// The job holds the session's lock (`SessionLock`) while it runs, so a `collate train`
    /// started beside it (or it beside one) fails at once naming the other.
    private func launch(_ kind: JobKind, session: Session, report: @escaping @Sendable (JobEvent) -> Void,
                        body: @escaping @Sendable () -> TrainJob.Ending) {
        let busy = state.withLock { control -> JobKind? in
            if let running = control.running { return running }
            control.running = kind
            control.request = nil
            return nil
        }
        if let busy {
            report(.failed(kind, message: "\(busy.rawValue) is running: one job at a time"))
            return
        }
        let niceness = self.niceness
        let thread = Thread { [self] in
            Self.lowerPriority(by: niceness)
            let ending: TrainJob.Ending
            do {
                let lock = try SessionLock(session: session.location,
                                           holder: "the workbench's \(kind.rawValue) job, \(SessionLock.describeThisProcess())")
                ending = body()
                lock.release()
            } catch {
                ending = .failed("\(error)")
            }
            state.withLock { control in
                control.running = nil
                control.request = nil
                if case .paused(let plan) = ending { control.pausedTrain = plan }
            }
            for event in ending.events(kind) { report(event) }
        }
        thread.name = "collate-\(kind.rawValue)"
        thread.qualityOfService = .utility
        // The autograd graph's backward pass recurses; the default secondary stack is small.
        thread.stackSize = 64 << 20
        thread.start()
    }

    /// Lowers the calling thread's scheduling priority. On Linux (NPTL) the nice value is per
    /// thread and `who == 0` names the calling thread, so the UI thread keeps its own.
    static func lowerPriority(by niceness: Int32) {
        #if canImport(Glibc)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}
