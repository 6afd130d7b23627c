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
