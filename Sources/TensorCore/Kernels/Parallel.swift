import Synchronization

/// The one place where kernels hand raw pointers to worker threads.
///
/// `UnsafePointer` is not `Sendable`, so a parallel loop over a buffer cannot capture it
/// directly under Swift 6 strict concurrency. `SendablePointer` vouches for it: every use
/// below writes disjoint index ranges per iteration (or only reads), so no two threads touch
/// the same element, and the buffer outlives the loop (`WorkerPool.run` returns only when
/// every participant has finished).
struct SendablePointer<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>
    init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
    init(_ pointer: UnsafePointer<Pointee>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}

/// Runs `body(i)` for `i in 0..<count`, spread over up to `threads` threads of the worker
/// pool (the caller is one of them). Iterations are handed out one at a time from a shared
/// counter, so a preempted thread just takes fewer. Iterations must be independent; results
/// must not depend on which thread ran which iteration.
func parallelFor(count: Int, threads: Int = Parallelism.defaultThreads,
                 body: @Sendable (Int) -> Void) {
    if count <= 0 { return }
    if threads <= 1 || count == 1 {
        for i in 0..<count { body(i) }
        return
    }
    let next = Atomic<Int>(0)
    WorkerPool.shared.run(participants: min(threads, count)) { _ in
        while true {
            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if i >= count { return }
            body(i)
        }
    }
}

/// `parallelFor(count:threads:body:)` with the count first, as the kernels call it.
func parallelFor(_ count: Int, threads: Int = Parallelism.defaultThreads,
                 _ body: @Sendable (Int) -> Void) {
    parallelFor(count: count, threads: threads, body: body)
}

/// Splits `0..<count` into at most `threads` contiguous chunks of at least `minimumChunk`
/// elements and runs `body` on each (elementwise kernels: each chunk writes only its own
/// range, so the result does not depend on the split). Small counts run inline.
func parallelChunks(_ count: Int, minimumChunk: Int = 1 << 14,
                    threads: Int = Parallelism.defaultThreads,
                    _ body: @Sendable (Range<Int>) -> Void) {
    let chunks = min(threads, count / max(minimumChunk, 1))
    if chunks <= 1 {
        body(0..<count)
        return
    }
    parallelFor(count: chunks, threads: chunks) { chunk in
        body((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
    }
}
