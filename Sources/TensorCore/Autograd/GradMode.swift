/// Whether ops record backward rules. Task-local, so it follows structured concurrency and
/// also works on plain threads (outside any task a task-local falls back to thread-local
/// storage): `withNoGrad` on one job thread does not affect another.
public enum GradMode {
    @TaskLocal public static var isEnabled: Bool = true
}

/// Runs `body` with recording off: ops on `Variable`s return constants (no inputs, no
/// backward rule, `requiresGrad == false`). The inference path runs here, or on `Tensor`s.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

/// Async form of `withNoGrad`.
public func withNoGrad<R>(_ body: () async throws -> R) async rethrows -> R {
    try await GradMode.$isEnabled.withValue(false) { try await body() }
}
