import Foundation

/// Llama 3.1's RoPE scaling: low frequencies (long wavelengths) are divided by `factor`, high
/// frequencies kept, and the band between smoothly interpolated.
public struct Llama3RopeScaling: Sendable, Equatable {
    public var factor: Double
    public var lowFreqFactor: Double
    public var highFreqFactor: Double
    public var originalMaxPositionEmbeddings: Int

    public init(factor: Double, lowFreqFactor: Double, highFreqFactor: Double, originalMaxPositionEmbeddings: Int) {
        self.factor = factor
        self.lowFreqFactor = lowFreqFactor
        self.highFreqFactor = highFreqFactor
        self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
    }

    /// transformers `_compute_llama3_parameters`, step for step in Float32 (torch's dtype here;
    /// Python scalars combine with float32 tensors as float32):
    ///   wavelen = 2π / f
    ///   f' = wavelen > oldCtx/low ? f / factor : f
    ///   s  = (oldCtx / wavelen - low) / (high - low)
    ///   medium band (oldCtx/high <= wavelen <= oldCtx/low): f' = (1 - s) f' / factor + s f'
    public func scale(_ inverseFrequencies: [Float]) -> [Float] {
        let oldContext = Float(originalMaxPositionEmbeddings)
        let factor = Float(self.factor)
        let low = Float(lowFreqFactor)
        let bandWidth = Float(highFreqFactor - lowFreqFactor)  // a Python float, then float32
        let lowFreqWavelength = Float(Double(originalMaxPositionEmbeddings) / lowFreqFactor)
        let highFreqWavelength = Float(Double(originalMaxPositionEmbeddings) / highFreqFactor)
        return inverseFrequencies.map { frequency in
            let wavelength = Float(2 * Double.pi) / frequency
            let scaled = wavelength > lowFreqWavelength ? frequency / factor : frequency
            let isMedium = !(wavelength < highFreqWavelength) && !(wavelength > lowFreqWavelength)
            guard isMedium else { return scaled }
            let smooth = (oldContext / wavelength - low) / bandWidth
            return (1 - smooth) * scaled / factor + smooth * scaled
        }
    }
}

enum RopeFrequencies {
    /// `1 / theta^(arange(0, dim, 2) / dim)` in Float32, as transformers computes it.
    static func defaultInverseFrequencies(theta: Double, dimension: Int) -> [Float] {
        let base = Float(theta)
        return stride(from: 0, to: dimension, by: 2).map { index in
            1 / powf(base, Float(index) / Float(dimension))
        }
    }
}
