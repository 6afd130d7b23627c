import Collate

extension Session {
    /// Takes the session's lock for a stage that writes (train, run, generate, ...): a second
    /// such command on the same session fails at once naming the process that holds it.
    /// Keep the result alive for the whole stage (`defer { lock.release() }`).
    func lockForStage() throws -> SessionLock {
        try SessionLock(session: location, holder: SessionLock.describeThisProcess())
    }
}
