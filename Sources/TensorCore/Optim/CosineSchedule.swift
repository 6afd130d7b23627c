import Foundation

/// Linear warm-up then cosine decay, a pure function of the step (HF
/// `get_cosine_schedule_with_warmup`, with an optional floor):
///
///     step < warmup:  peak * step / warmup
///     otherwise:      minimum + (peak - minimum) * 0.5 * (1 + cos(pi * progress)),
///                     progress = min(1, (step - warmup) / (total - warmup))
public struct CosineSchedule: Sendable, Equatable, Codable {
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var minimum: Float

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minimum = minimum
    }

    public func learningRate(at step: Int) -> Float {
        if step < warmupSteps {
            return Float(Double(peak) * Double(step) / Double(max(1, warmupSteps)))
        }
        let progress = min(1, Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps)))
        let cosine = 0.5 * (1 + Foundation.cos(Double.pi * progress))
        return Float(Double(minimum) + Double(peak - minimum) * cosine)
    }
}
