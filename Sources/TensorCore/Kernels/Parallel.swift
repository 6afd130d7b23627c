import Dispatch

/// The one place where kernels hand raw pointers to worker threads.
///
/// `UnsafePointer` is not `Sendable`, so a parallel loop over a buffer cannot capture it
/// directly under Swift 6 strict concurrency. `SendablePointer` vouches for it: every use
/// below writes disjoint index ranges per iteration (or only reads), so no two threads touch
/// the same element, and the buffer outlives the loop (`concurrentPerform` returns only when
/// every iteration has finished).
struct SendablePointer<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>
    init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
    init(_ pointer: UnsafePointer<Pointee>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}

/// Runs `body(i)` for `i in 0..<iterations`, spread over up to `threads` threads. Iterations
/// must be independent; results must not depend on which thread ran which iteration.
func parallelFor(_ iterations: Int, threads: Int = Parallelism.defaultThreads,
                 _ body: @Sendable (Int) -> Void) {
    if iterations <= 0 { return }
    if threads <= 1 || iterations == 1 {
        for i in 0..<iterations { body(i) }
        return
    }
    let workers = min(threads, iterations)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        // Static round-robin split: worker w takes w, w + workers, ...
        var i = worker
        while i < iterations {
            body(i)
            i += workers
        }
    }
}

/// Splits `0..<count` into at most `threads` contiguous chunks of at least `minimumChunk`
/// elements and runs `body` on each (elementwise kernels: each chunk writes only its own
/// range, so the result does not depend on the split). Small counts run inline.
func parallelChunks(_ count: Int, minimumChunk: Int = 1 << 16,
                    threads: Int = Parallelism.defaultThreads,
                    _ body: @Sendable (Range<Int>) -> Void) {
    let chunks = min(threads, count / max(minimumChunk, 1))
    if chunks <= 1 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        body((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
    }
}
