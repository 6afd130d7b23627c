import Foundation

/// Rotary position embeddings in the Hugging Face Llama "rotate_half" convention: the pairs
/// rotated together are (i, i + D/2), not adjacent elements.
///
///     out[i]       = x[i] * cos(p * f_i) - x[i + D/2] * sin(p * f_i)
///     out[i + D/2] = x[i + D/2] * cos(p * f_i) + x[i] * sin(p * f_i)     (i < D/2)
///
/// The table is built from a given inverse-frequency list, so the model layer can apply
/// llama3 (or any other) frequency scaling before building it.
public struct RoPETable: Sendable {
    /// Rotary dimension D (twice the number of frequencies).
    public let dimension: Int
    public let maxPositions: Int
    /// [maxPositions, D/2]
    let cos: [Float]
    /// [maxPositions, D/2]
    let sin: [Float]

    /// `inverseFrequencies` has D/2 entries. Angles are `Float(p) * f` in Float32 as in HF;
    /// cos/sin of that angle are rounded from Double.
    public init(inverseFrequencies: [Float], maxPositions: Int) {
        let half = inverseFrequencies.count
        dimension = 2 * half
        self.maxPositions = maxPositions
        var c = [Float](repeating: 0, count: maxPositions * half)
        var s = c
        for p in 0..<maxPositions {
            for i in 0..<half {
                let angle = Double(Float(p) * inverseFrequencies[i])
                c[p * half + i] = Float(Foundation.cos(angle))
                s[p * half + i] = Float(Foundation.sin(angle))
            }
        }
        cos = c
        sin = s
    }

    /// The default Llama inverse frequencies: 1 / theta^(2i/D), computed in Float32 as HF does.
    public static func defaultInverseFrequencies(dimension: Int, theta: Float) -> [Float] {
        (0..<(dimension / 2)).map { i in 1 / Foundation.pow(theta, Float(2 * i) / Float(dimension)) }
    }
}

/// Applies RoPE to x: [B, H, T, D]. Token t of batch row b sits at position
/// `positions[b * T + t]` when `positions` has B*T entries, or `positions[t]` when it has T.
public func rope(_ x: Tensor, table: RoPETable, positions: [Int]) -> Tensor {
    ropeApply(x, table: table, positions: positions, inverse: false)
}

/// RoPE with positions `offset ..< offset + T` for every batch row (the KV-cache case).
public func rope(_ x: Tensor, table: RoPETable, offset: Int = 0) -> Tensor {
    precondition(x.rank == 4, "rope: expected [B, H, T, D], got \(x.shape)")
    return rope(x, table: table, positions: Array(offset..<(offset + x.shape[2])))
}

/// The gradient of `rope`: the inverse rotation applied to dy.
public func ropeBackward(_ dy: Tensor, table: RoPETable, positions: [Int]) -> Tensor {
    ropeApply(dy, table: table, positions: positions, inverse: true)
}

func ropeApply(_ x: Tensor, table: RoPETable, positions: [Int], inverse: Bool) -> Tensor {
    precondition(x.rank == 4, "rope: expected [B, H, T, D], got \(x.shape)")
    let (batch, heads, length, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    precondition(d == table.dimension, "rope: head dim \(d) but table built for \(table.dimension)")
    precondition(positions.count == length || positions.count == batch * length,
                 "rope: \(positions.count) positions for B=\(batch), T=\(length)")
    let perBatch = positions.count == batch * length && batch > 1
    for p in positions {
        precondition(p >= 0 && p < table.maxPositions, "rope: position \(p) beyond table (\(table.maxPositions))")
    }
    let half = d / 2
    // The inverse rotation is the rotation by -angle: flip the sign of sin.
    let sign: Float = inverse ? -1 : 1
    return x.withUnsafeBufferPointer { xs in
        table.cos.withUnsafeBufferPointer { cosTable in
            table.sin.withUnsafeBufferPointer { sinTable in
                Tensor(shape: x.shape) { out in
                    for b in 0..<batch {
                        for h in 0..<heads {
                            for t in 0..<length {
                                let pos = positions[perBatch ? b * length + t : t]
                                let c = cosTable.baseAddress! + pos * half
                                let s = sinTable.baseAddress! + pos * half
                                let base = ((b * heads + h) * length + t) * d
                                let src = xs.baseAddress! + base, dst = out.baseAddress! + base
                                for i in 0..<half {
                                    let x1 = src[i], x2 = src[i + half], si = sign * s[i]
                                    dst[i] = x1 * c[i] - x2 * si
                                    dst[i + half] = x2 * c[i] + x1 * si
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
