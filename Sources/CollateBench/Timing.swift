import Foundation

/// Median, minimum and maximum of repeated measurements of one quantity.
struct Summary {
    let median: Double, min: Double, max: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = sorted.first ?? 0
        max = sorted.last ?? 0
    }
}

/// Monotonic wall-clock seconds.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Times `body` once, then returns how many calls make one repetition last `seconds`.
func callsPerRepetition(lasting seconds: Double, _ body: () -> Void) -> Int {
    let start = now()
    body()
    let once = max(now() - start, 1e-7)
    return max(1, Int((seconds / once).rounded(.up)))
}

/// Seconds per call, averaged over one repetition of `calls` calls.
func secondsPerCall(calls: Int, _ body: () -> Void) -> Double {
    let start = now()
    for _ in 0..<calls { body() }
    return (now() - start) / Double(calls)
}
