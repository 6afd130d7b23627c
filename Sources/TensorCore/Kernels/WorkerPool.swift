import Foundation
import Synchronization

/// Persistent compute threads for the kernels: the one place (with `SendablePointer`) where
/// TensorCore steps outside Swift's checked concurrency.
///
/// Why not `DispatchQueue.concurrentPerform`: waking a parked libdispatch worker costs tens
/// of microseconds, as long as a whole decode-sized GEMV (~70 us), and a model step makes
/// thousands of back-to-back kernel calls. Our workers spin for `spinSeconds` after each job
/// before parking on a condition variable, so a kernel that follows another finds them awake.
///
/// Protocol: the caller publishes a job (a closure and a participant count) and bumps
/// `generation`; worker `w` (1-based) runs `job(w)` if `w < participants` and then counts
/// itself done; the caller runs `job(0)` itself and waits until every participant is done,
/// so the closure (non-escaping in the API) outlives every use. One job at a time: a caller
/// that finds the pool busy (a nested parallel loop, or two threads computing at once, as
/// tests do) runs all participants itself, one after the other, which is still correct
/// because participants share their work through counters, never by a fixed split.
final class WorkerPool: @unchecked Sendable {
    /// The process-wide pool, with one worker fewer than `Parallelism.defaultThreads`
    /// (at least one, so that a 2-thread request works on any machine).
    static let shared = WorkerPool(workers: max(1, Parallelism.defaultThreads - 1))

    /// How long a worker keeps polling for the next job before parking.
    static let spinSeconds = 100e-6

    /// Most participants one job can have: the workers and the caller.
    let capacity: Int

    /// Job number << 8 | its participant count, in one word, so a worker that reads a
    /// generation also reads the participant count that came with it (a worker that is not
    /// part of job N must not be fooled by job N+1's count).
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    // Written by the caller before `generation` is bumped (release), read by workers after
    // they see the new generation (acquire).
    private var job: ((Int) -> Void)? = nil
    private var mutex = pthread_mutex_t()
    private var wakeUp = pthread_cond_t()

    private init(workers: Int) {
        capacity = workers + 1
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wakeUp, nil)
        for index in 1...workers {
            let thread = Thread { [unowned self] in self.workerLoop(index: index) }
            thread.name = "collate-compute-\(index)"
            thread.start()
        }
    }

    /// Runs `body(p)` for every participant `p in 0..<count` (capped at `capacity`), the
    /// calling thread being participant 0, and returns when all have returned.
    func run(participants count: Int, _ body: (Int) -> Void) {
        let count = min(count, capacity, 255)
        guard count > 1, busy.compareExchange(expected: false, desired: true,
                                              ordering: .acquiring).exchanged else {
            for participant in 0..<max(count, 1) { body(participant) }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            job = escaping
            finished.store(0, ordering: .relaxed)
            pthread_mutex_lock(&mutex)
            let next = (((generation.load(ordering: .relaxed) >> 8) + 1) << 8) | count
            generation.store(next, ordering: .releasing)
            pthread_cond_broadcast(&wakeUp)
            pthread_mutex_unlock(&mutex)
            escaping(0)
            var polls = 0
            while finished.load(ordering: .acquiring) < count - 1 {
                polls += 1
                // A preempted worker (shared machine) should not cost us a whole time slice.
                if polls > 4096 { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Runs this worker's part of the current job. A function of its own so that the
    /// worker's reference to the closure is released before it counts itself finished:
    /// `withoutActuallyEscaping` traps if one is still held when `run` returns.
    @inline(never)
    private func runJob(_ index: Int) {
        job?(index)
    }

    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            if current == seen {
                let deadline = monotonicSeconds() + Self.spinSeconds
                var polls = 0
                while current == seen {
                    polls += 1
                    if polls & 63 == 0 && monotonicSeconds() > deadline { break }
                    current = generation.load(ordering: .acquiring)
                }
            }
            if current == seen {
                pthread_mutex_lock(&mutex)
                current = generation.load(ordering: .acquiring)
                while current == seen {
                    pthread_cond_wait(&wakeUp, &mutex)
                    current = generation.load(ordering: .acquiring)
                }
                pthread_mutex_unlock(&mutex)
            }
            seen = current
            if index < current & 255 {
                runJob(index)
                finished.add(1, ordering: .releasing)
            }
        }
    }
}

@inline(__always)
private func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
