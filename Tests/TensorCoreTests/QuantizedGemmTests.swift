import Testing
@testable import TensorCore

/// Tensors stored as ggml blocks (Q8_0, Q4_0, Q4_1) and the GEMM reading them: dequantizing
/// against a per-element formula written out here, quantizing against ggml's reference on a
/// hand-computed block and its error bound, every GEMM path against `gemmNaive` on the
/// dequantized matrix (odd output sizes, padded rows, both transpositions of B, accumulate,
/// one and two threads), and the readers (embedding, scalars, rows, COW).
@Suite struct QuantizedGemmTests {
    static let formats: [ScalarEncoding] = [.q8_0, .q4_0, .q4_1]

    /// The naive reference: element `i` of `blocks` by the format's formula.
    static func naiveValue(_ blocks: [UInt8], _ encoding: ScalarEncoding, _ i: Int) -> Float {
        let base = i / 32 * encoding.blockBytes, j = i % 32
        func half(_ at: Int) -> Float { HalfPrecision.float(fromF16: UInt16(blocks[base + at]) | UInt16(blocks[base + at + 1]) << 8) }
        switch encoding {
        case .q8_0: return Float(Int8(bitPattern: blocks[base + 2 + j])) * half(0)
        case .q4_0:
            let byte = blocks[base + 2 + j % 16]
            return Float(Int(j < 16 ? byte & 15 : byte >> 4) - 8) * half(0)
        default:
            let byte = blocks[base + 4 + j % 16]
            return Float(j < 16 ? byte & 15 : byte >> 4) * half(0) + half(2)
        }
    }

    static func randomValues(_ count: Int, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in Float(random.uniform()) * 2 - 1 }
    }

    @Test func handBuiltBlocksDequantizeByTheirFormula() throws {
        // Q8_0: d = 0.5 (F16 0x3800), q = -16 ..< 16.  Q4_0: d = 0.25 (0x3400), byte j = j | (15-j) << 4.
        // Q4_1: d = 0.25, m = -1 (0xBC00), same nibbles.
        let q8: [UInt8] = [0x00, 0x38] + (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) }
        let nibbles: [UInt8] = (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        let q40: [UInt8] = [0x00, 0x34] + nibbles
        let q41: [UInt8] = [0x00, 0x34, 0x00, 0xBC] + nibbles
        let expected8 = (0..<32).map { Float($0 - 16) * 0.5 }
        let nibbleValues = (0..<32).map { $0 < 16 ? Float($0) : Float(31 - $0) }
        let expected40 = nibbleValues.map { ($0 - 8) * 0.25 }
        let expected41 = nibbleValues.map { $0 * 0.25 - 1 }
        for (bytes, encoding, expected) in [(q8, ScalarEncoding.q8_0, expected8), (q40, .q4_0, expected40), (q41, .q4_1, expected41)] {
            let tensor = try bytes.withUnsafeBytes { try Tensor(blocks: $0, encoding: encoding, shape: [1, 32]) }
            #expect(tensor.storageEncoding == encoding)
            #expect(tensor.scalars == expected, "\(encoding)")
            #expect((0..<32).map { Self.naiveValue(bytes, encoding, $0) } == expected, "\(encoding)")
            #expect(tensor.littleEndianBytes(encoding: encoding) == bytes, "\(encoding)")
            #expect(tensor[0, 31] == expected[31])
        }
    }

    @Test func quantizingFollowsGGMLReference() {
        // One block whose largest magnitude is -4 (at j = 5), the rest j / 8 - 2.
        var values = (0..<32).map { Float($0) / 8 - 2 }
        values[5] = -4
        let q8 = Tensor(values, shape: [1, 32]).stored(as: .q8_0).littleEndianBytes(encoding: .q8_0)
        // d = 4/127 as F16; q = round(x * 127/4).
        #expect(Array(q8[0..<2]) == withUnsafeBytes(of: HalfPrecision.f16(from: 4 / 127).littleEndian, Array.init))
        let id: Float = 1 / (4 / 127)
        #expect(q8[2...].map { Int8(bitPattern: $0) } == values.map { Int8(($0 * id).rounded()) })
        // Q4_0: d = -4 / -8 = 0.5; quants min(15, trunc(x / 0.5 + 8.5)).
        let q40 = Tensor(values, shape: [1, 32]).stored(as: .q4_0).littleEndianBytes(encoding: .q4_0)
        #expect(Array(q40[0..<2]) == [0x00, 0x38])
        func q4(_ x: Float) -> UInt8 { UInt8(min(15, Int(x / 0.5 + 8.5))) }
        #expect(q40[2...].enumerated().allSatisfy { $0.element == q4(values[$0.offset]) | q4(values[$0.offset + 16]) << 4 })
        // Q4_1: min -4, max 31/8 - 2 = 1.875: d = 5.875 / 15, m = -4.
        let q41 = Tensor(values, shape: [1, 32]).stored(as: .q4_1).littleEndianBytes(encoding: .q4_1)
        #expect(Array(q41[2..<4]) == [0x00, 0xC4])
        #expect(Array(q41[0..<2]) == withUnsafeBytes(of: HalfPrecision.f16(from: 5.875 / 15).littleEndian, Array.init))
    }

    @Test(arguments: formats)
    func roundTripErrorIsWithinHalfAStep(encoding: ScalarEncoding) {
        let values = Self.randomValues(64 * 96, seed: 4)
        let tensor = Tensor(values, shape: [64, 96])
        let stored = tensor.stored(as: encoding)
        #expect(stored.storageEncoding == encoding)
        let bytes = stored.littleEndianBytes(encoding: encoding)
        #expect(bytes.count == 64 * 3 * encoding.blockBytes)
        let back = stored.scalars
        for block in 0..<(values.count / 32) {
            let slice = values[(block * 32)..<(block * 32 + 32)]
            let range = (slice.max()! - slice.min()!), amax = slice.map(abs).max()!
            // Half a step (a whole one for Q4_0, whose +8 end is clamped to +7), plus the F16
            // rounding of the scale (2^-11 relative) over up to 127 steps.
            let step = encoding == .q8_0 ? amax / 127 : encoding == .q4_0 ? amax / 8 : range / 15
            for i in (block * 32)..<(block * 32 + 32) {
                #expect(abs(back[i] - values[i]) <= step * (encoding == .q4_0 ? 1 : 0.5) + step * 0.07 + 1e-6, "\(encoding) element \(i)")
                #expect(back[i] == Self.naiveValue(bytes, encoding, i))
            }
        }
        // Decoding the bytes again gives the same tensor; a shape that is not whole blocks fails.
        let decoded = try? bytes.withUnsafeBytes { try Tensor(littleEndianBytes: $0, encoding: encoding, shape: [64, 96]) }
        #expect(decoded?.scalars == back)
        #expect(throws: TensorDecodingError.self) {
            try bytes.withUnsafeBytes { try Tensor(blocks: $0, encoding: encoding, shape: [64 * 96 / 48, 48]) }
        }
        #expect(!Tensor.zeros([3, 40]).canBeStored(as: encoding))
        #expect(Tensor.zeros([3, 64]).canBeStored(as: encoding))
    }

    @Test(arguments: formats)
    func readersDequantize(encoding: ScalarEncoding) {
        let table = Tensor(Self.randomValues(11 * 64, seed: 9), shape: [11, 64]).stored(as: encoding)
        let exact = table.scalars
        let rows = embedding(table, ids: [10, 0, 3, 3])
        #expect(rows.scalars == Array(exact[640..<704]) + Array(exact[0..<64]) + Array(exact[192..<256]) + Array(exact[192..<256]))
        #expect(table.rows(2..<4).scalars == Array(exact[128..<256]))
        #expect(table.rows(5..<6).stored(as: .float32).scalars == Array(exact[320..<384]))
        var written = table
        written[0, 0] = 42                       // copy-on-write widens the copy only
        #expect(written.storageEncoding == .float32 && written[0, 0] == 42)
        #expect(table.storageEncoding == encoding && table.scalars == exact)
        #expect(table.stored(as: .float16).scalars == exact.map { HalfPrecision.float(fromF16: HalfPrecision.f16(from: $0)) })
    }

    @Test func nonFiniteScaleIsFound() {
        var bytes = Tensor(Self.randomValues(96, seed: 1), shape: [1, 96]).stored(as: .q4_1).littleEndianBytes(encoding: .q4_1)
        #expect(bytes.withUnsafeBytes { NonFiniteScan.firstIndex(in: $0, encoding: .q4_1) } == nil)
        bytes[2 * 20 + 3] = 0x7C   // block 2's minimum: +inf
        #expect(bytes.withUnsafeBytes { NonFiniteScan.firstIndex(in: $0, encoding: .q4_1) } == 64)
    }

    struct Shape: CustomStringConvertible, Sendable {
        let m: Int, n: Int, k: Int
        var description: String { "\(m)x\(k)@\(k)x\(n)" }
    }

    /// For `transB` (y = x W^T, W [n, k]: blocks along k) k is a multiple of 32 or padded to
    /// one by ldb; for plain B ([k, n], blocks along n) n is anything, ldb a multiple of 32.
    static let shapes: [Shape] = [
        Shape(m: 1, n: 37, k: 64), Shape(m: 1, n: 1, k: 32), Shape(m: 37, n: 1, k: 96),
        Shape(m: 1, n: 70, k: 48), Shape(m: 7, n: 33, k: 128), Shape(m: 65, n: 129, k: 288),
        Shape(m: 13, n: 17, k: 640), Shape(m: 2, n: 3, k: 15),
    ]

    @Test(arguments: shapes)
    func quantizedBMatchesNaiveOnDequantizedB(shape: Shape) {
        for encoding in Self.formats {
            for transA in [false, true] {
                for transB in [false, true] {
                    for accumulate in [false, true] {
                        for threads in [1, 2] {
                            check(shape, encoding: encoding, transA: transA, transB: transB,
                                  accumulate: accumulate, threads: threads, padA: threads == 1 ? 0 : 3)
                        }
                    }
                }
            }
        }
    }

    /// A decode-sized matrix-vector product above `gemvSplitMultiplyAdds`, shared between threads.
    @Test func splitMatrixVectorMatchesNaive() {
        let k = 576, n = gemvSplitMultiplyAdds / k + 77
        for encoding in Self.formats {
            check(Shape(m: 1, n: n, k: k), encoding: encoding, transA: false, transB: true,
                  accumulate: false, threads: 2, padA: 0)
        }
    }

    /// `linear` / `matmul` on a quantized weight tensor equal the same on its dequantized copy.
    @Test(arguments: formats)
    func linearOnQuantizedWeightMatchesDequantized(encoding: ScalarEncoding) {
        let weight = Tensor(Self.randomValues(45 * 96, seed: 3), shape: [45, 96]).stored(as: encoding)
        let dequantized = weight.stored(as: .float32)
        for rows in [1, 9] {
            let x = Tensor(Self.randomValues(rows * 96, seed: UInt64(rows)), shape: [rows, 96])
            let fast = linear(x, weight: weight, bias: nil).scalars
            let slow = linear(x, weight: dequantized, bias: nil).scalars
            #expect(zip(fast, slow).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(encoding) rows \(rows)")
        }
    }

    private func check(
        _ s: Shape, encoding: ScalarEncoding, transA: Bool, transB: Bool, accumulate: Bool,
        threads: Int, padA: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let (aRows, aCols) = transA ? (s.k, s.m) : (s.m, s.k)
        let (bRows, bCols) = transB ? (s.n, s.k) : (s.k, s.n)
        // Rows of B are whole blocks: ldb rounds the row up to a multiple of 32 (more when padding).
        let ldb = (bCols + 31) / 32 * 32 + (padA > 0 ? 32 : 0)
        let lda = max(1, aCols + padA), ldc = max(1, s.n + padA)
        var random = SeededRandom(seed: UInt64(s.m * 31 + s.n * 7 + s.k))
        let a = (0..<max(1, aRows * lda)).map { _ in Float(random.uniform()) * 2 - 1 }
        let b = (0..<max(1, bRows * ldb)).map { _ in Float(random.uniform()) * 2 - 1 }
        let initial = (0..<max(1, s.m * ldc)).map { _ in Float(random.uniform()) * 2 - 1 }
        let blocks = Tensor(b, shape: [bRows, ldb]).stored(as: encoding).littleEndianBytes(encoding: encoding)
        let dequantized = (0..<b.count).map { Self.naiveValue(blocks, encoding, $0) }
        var fast = initial, slow = initial
        blocks.withUnsafeBytes { raw in
            a.withUnsafeBufferPointer { pa in
                fast.withUnsafeMutableBufferPointer { pc in
                    gemm(transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: pa.baseAddress!, lda: lda,
                         b: GemmMatrix(base: raw.baseAddress!, encoding: encoding), ldb: ldb,
                         c: pc.baseAddress!, ldc: ldc, accumulate: accumulate, threads: threads)
                }
            }
        }
        gemmNaive(transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: a, lda: lda,
                  b: dequantized, ldb: ldb, c: &slow, ldc: ldc, accumulate: accumulate)
        var worst: Float = 0, padTouched = false
        for i in 0..<s.m {
            for j in 0..<ldc {
                let index = i * ldc + j
                if j < s.n {
                    worst = max(worst, abs(fast[index] - slow[index]))
                } else if fast[index] != initial[index] {
                    padTouched = true
                }
            }
        }
        let tolerance = 1e-4 * Float(max(1, s.k)).squareRoot()
        let variant = "\(s) \(encoding) transA \(transA) transB \(transB) acc \(accumulate) threads \(threads)"
        #expect(worst <= tolerance, "max abs diff \(worst) > \(tolerance): \(variant)", sourceLocation: sourceLocation)
        #expect(!padTouched, "wrote outside C: \(variant)", sourceLocation: sourceLocation)
    }
}
