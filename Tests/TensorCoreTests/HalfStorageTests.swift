import Testing
@testable import TensorCore

/// Tensors held as F16/BF16 words: the SIMD widening against the scalar reference on every
/// bit pattern, narrowing, copy-on-write back to Float32, and the ops that read the words
/// directly (matmul and its gradient, embedding) against the same ops on the widened tensor.
@Suite struct HalfStorageTests {
    @Test func simdWideningMatchesScalarOnEveryBitPattern() {
        let patterns = (0...UInt16.max).map { $0 }
        patterns.withUnsafeBufferPointer { words in
            for start in stride(from: 0, to: patterns.count, by: 16) {
                let raw = UnsafeRawPointer(words.baseAddress! + start)
                let hardware = widenF16x16(raw)
                let integer = widenF16x16Integer(raw.loadUnaligned(as: SIMD16<UInt16>.self))
                let brain = widenBF16x16(raw)
                for lane in 0..<16 {
                    let bits = patterns[start + lane]
                    let f16 = HalfPrecision.float(fromF16: bits), bf16 = HalfPrecision.float(fromBF16: bits)
                    if f16.isNaN {
                        #expect(hardware[lane].isNaN && integer[lane].isNaN, "F16 \(bits)")
                    } else {
                        #expect(hardware[lane].bitPattern == f16.bitPattern, "F16 \(bits) (hardware path)")
                        #expect(integer[lane].bitPattern == f16.bitPattern, "F16 \(bits) (integer path)")
                    }
                    if bf16.isNaN { #expect(brain[lane].isNaN, "BF16 \(bits)") } else {
                        #expect(brain[lane].bitPattern == bf16.bitPattern, "BF16 \(bits)")
                    }
                }
            }
        }
    }

    @Test func narrowingRoundsAndReadsBackWidened() {
        let values: [Float] = [1, -2.5, 1 + 0x3p-11, 65520, 0x1p-25, 3.14159, -0.0, 1e-3, 7]
        let x = Tensor(values, shape: [3, 3])
        for encoding in [ScalarEncoding.float16, .bfloat16] {
            let half = x.stored(as: encoding)
            #expect(half.storageEncoding == encoding && half.shape == [3, 3])
            let expected = values.map {
                encoding == .float16 ? HalfPrecision.float(fromF16: HalfPrecision.f16(from: $0))
                    : HalfPrecision.float(fromBF16: HalfPrecision.bf16(from: $0))
            }
            #expect(half.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
            #expect(half[1, 2].bitPattern == expected[5].bitPattern)
            #expect(half.stored(as: .float32).storageEncoding == .float32)
            #expect(half.stored(as: .float32).scalars.map(\.bitPattern) == expected.map(\.bitPattern))
            // Words go out unchanged and come back unchanged.
            let bytes = half.littleEndianBytes(encoding: encoding)
            let back = bytes.withUnsafeBytes { try? Tensor(littleEndianBytes: $0, encoding: encoding, shape: [3, 3], storage: encoding) }
            #expect(back?.storageEncoding == encoding)
            #expect(back?.scalars == half.scalars)
        }
        #expect(x.stored(as: .float16)[1, 0] == .infinity)   // 65520 overflows F16
        #expect(x.stored(as: .bfloat16)[1, 0] == 65536)      // BF16 keeps the range
    }

    @Test func writingWidensAndLeavesTheSharedCopyAlone() {
        let half = Tensor([1, 2, 3, 4], shape: [2, 2]).stored(as: .bfloat16)
        var copy = half
        copy[0, 1] = 10
        #expect(copy.storageEncoding == .float32 && copy.scalars == [1, 10, 3, 4])
        #expect(half.storageEncoding == .bfloat16 && half.scalars == [1, 2, 3, 4])
        let view = half.reshaped([4]).rows(1..<3)
        #expect(view.scalars == [2, 3] && view.storageEncoding == .bfloat16)
    }

    @Test func matmulAndLinearGradientReadHalfWeights() {
        var rng = SeededRandom(seed: 7)
        let x = Tensor.normal([2, 5, 37], std: 1, using: &rng)           // [B, T, in]
        let w = Tensor.normal([23, 37], std: 0.5, using: &rng)           // [out, in]
        let g = Tensor.normal([2, 5, 23], std: 1, using: &rng)           // [B, T, out]
        for encoding in [ScalarEncoding.float16, .bfloat16] {
            let half = w.stored(as: encoding), widened = half.stored(as: .float32)
            let fast = linear(x, weight: half), slow = linear(x, weight: widened)
            #expect(maxDifference(fast, slow) < 1e-5)
            let one = x.reshaped([10, 37]).rows(3..<4)                   // [1, in]: the GEMV path
            #expect(maxDifference(linear(one, weight: half), linear(one, weight: widened)) < 1e-5)
            // The frozen weight's input gradient, dX = dY W, also reads the words.
            let input = Variable(x, requiresGrad: true)
            (linear(input, weight: Variable(half)) * Variable(g)).sum().backward()
            let reference = Variable(x, requiresGrad: true)
            (linear(reference, weight: Variable(widened)) * Variable(g)).sum().backward()
            #expect(maxDifference(input.grad!, reference.grad!) < 1e-5)
        }
    }

    @Test func embeddingGathersWidenedRows() {
        var rng = SeededRandom(seed: 3)
        let table = Tensor.normal([11, 19], std: 1, using: &rng)
        for encoding in [ScalarEncoding.float16, .bfloat16] {
            let half = table.stored(as: encoding)
            let ids = [4, 0, 10, 4]
            let fast = embedding(half, ids: ids, idsShape: [2, 2])
            let slow = embedding(half.stored(as: .float32), ids: ids, idsShape: [2, 2])
            #expect(fast.shape == [2, 2, 19])
            #expect(fast.isBitwiseEqual(slow))
        }
    }

    private func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }
}
