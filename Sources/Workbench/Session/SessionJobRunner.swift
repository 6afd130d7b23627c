import Collate
import Foundation

/// Runs the stages behind the workbench's g/s/t/e keys over a session. The model runtime
/// provides the real one; `SessionBackend` forwards every job command to it.
public protocol SessionJobRunner: AnyObject {
    /// Starts, pauses, resumes or stops a job on `session` for `iteration`; events go to
    /// `report` from any thread.
    func control(_ command: JobCommand, session: Session, iteration: Int,
                 report: @escaping @Sendable (JobEvent) -> Void) throws
}

/// The runner of a build without the model runtime: every job fails at once with a message
/// that says what is missing, rather than pretending to run.
public final class UnavailableJobRunner: SessionJobRunner {
    public init() {}

    public func control(_ command: JobCommand, session: Session, iteration: Int,
                        report: @escaping @Sendable (JobEvent) -> Void) throws {
        switch command {
        case .start(let kind, _):
            report(.failed(kind, message: Self.reason(kind, session: session)))
        case .pause(let kind), .resume(let kind), .stop(let kind):
            report(.failed(kind, message: "no \(kind.rawValue) job is running"))
        }
    }

    /// Why `kind` cannot run: the model directory is missing, or this build cannot run it.
    static func reason(_ kind: JobKind, session: Session) -> String {
        let model = session.location.resolve(session.manifest.model)
        let hasModel = session.hasBaseModel
        let missing = hasModel
            ? "this build of collate has no model runtime to run it yet"
            : "no model at \(displayPath(model)): see README"
        switch kind {
        case .generate: return "generating rationales needs the model: \(missing)"
        case .score: return "scoring needs the model: \(missing)"
        case .train: return "DPO training needs the model: \(missing)"
        case .eval:
            return "the store holds no answers for the test split to compute accuracy from, "
                + "and answering it needs the model: \(missing)"
        }
    }

    /// A path relative to the working directory when it is below it, else absolute.
    static func displayPath(_ url: URL) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }
}
