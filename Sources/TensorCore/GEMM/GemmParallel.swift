import Synchronization

/// Runs `body(task, worker)` for every task in `0..<tasks` on at most `workers` threads
/// (the calling thread is one of them) and returns when all are done. Tasks are handed out
/// one at a time from a shared counter, so a thread that starts late or is preempted (these
/// machines are shared) just takes fewer tasks instead of holding up the others. Each
/// `worker` index runs on one thread at a time, so per-worker scratch needs no locking.
/// `workers <= 1` never leaves the calling thread.
func runTasks(_ tasks: Int, workers: Int, _ body: @Sendable (_ task: Int, _ worker: Int) -> Void) {
    let workers = min(workers, tasks)
    if workers <= 1 {
        for task in 0..<tasks { body(task, 0) }
        return
    }
    let next = Atomic<Int>(0)
    WorkerPool.shared.run(participants: workers) { worker in
        while true {
            let task = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if task >= tasks { return }
            body(task, worker)
        }
    }
}

/// The pointers one GEMM hands to its worker threads: operands and packing buffers.
/// Sendable by contract: workers read A and B, write disjoint tiles of C and disjoint parts
/// of the packing buffers (B strips by task, A blocks by worker), and `gemm` keeps all of
/// them alive until every worker has returned.
struct GemmPointers: @unchecked Sendable {
    let a: UnsafePointer<Float>
    /// B's elements (Float32, F16 or BF16: the kernel's element type says which).
    let b: UnsafeRawPointer
    let c: UnsafeMutablePointer<Float>
    var packedA: UnsafeMutablePointer<Float>? = nil
    var packedB: UnsafeMutablePointer<Float>? = nil
}

/// Allocates `count` floats aligned to 64 bytes (a cache line, and a SIMD16 load).
func allocateAligned(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride,
                                     alignment: 64)
        .bindMemory(to: Float.self, capacity: max(1, count))
}
