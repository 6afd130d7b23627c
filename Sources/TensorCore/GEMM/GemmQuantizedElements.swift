/// ggml's quantized blocks (Q8_0, Q4_0, Q4_1: BlockQuantization.swift) as GEMM B elements:
/// the matrix-vector kernels and the B packing dequantize 16 elements at a time in registers,
/// as they widen F16/BF16, so a quantized weight is streamed at its stored size (Q8_0: 8.5
/// bits a weight, Q4_x: 4.5-5) and never expanded in memory.
///
/// Element `i` of the array lives in block `i / 32`. Sixteen elements starting at a multiple
/// of 16 lie in one block: Q8_0's are 16 consecutive int8, Q4's are the low (first half) or
/// high (second half) nibbles of the block's 16 bytes. The dequantized values are exactly
/// `dequantizeBlocks`' (same operations), so the GEMM equals the Float32 GEMM on the
/// dequantized matrix up to summation order. Rows must be whole blocks (k a multiple of 32
/// for `y = x W^T`), which `Tensor.canBeStored(as:)` guarantees for weights.

/// The 16 int8 at `p` as floats (`vpmovsxbd` + `vcvtdq2ps`: a lane loop, which LLVM
/// vectorises, where the generic SIMD conversion is an out-of-line call).
@inline(__always)
private func floats(signed p: UnsafeRawPointer) -> SIMD16<Float> {
    let bytes = p.loadUnaligned(as: SIMD16<Int8>.self)
    var out = SIMD16<Float>()
    for lane in 0..<16 { out[lane] = Float(Int32(bytes[lane])) }
    return out
}

/// The low (`high == false`) or high nibbles of the 16 bytes at `p` as floats.
@inline(__always)
private func floats(nibbles p: UnsafeRawPointer, high: Bool) -> SIMD16<Float> {
    let bytes = p.loadUnaligned(as: SIMD16<UInt8>.self)
    let nibbles = high ? bytes &>> 4 : bytes & 0x0F
    var out = SIMD16<Float>()
    for lane in 0..<16 { out[lane] = Float(Int32(nibbles[lane])) }
    return out
}

/// 16 elements from `index` one at a time (an index that is not a multiple of 16).
@inline(__always)
private func gathered<E: GemmElement>(_ base: UnsafeRawPointer, _ index: Int, _: E.Type) -> SIMD16<Float> {
    var out = SIMD16<Float>()
    for lane in 0..<16 { out[lane] = E.load(base, index + lane) }
    return out
}

enum Q8_0Elements: GemmElement {
    @inline(__always) static var width: Int { 1 }
    @inline(__always) static func byteOffset(_ elements: Int) -> Int { elements >> 5 &* 34 }
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ index: Int) -> Float {
        let block = base + byteOffset(index)
        return Float(block.load(fromByteOffset: 2 + index & 31, as: Int8.self)) * Float16Elements.load(block, 0)
    }
    @inline(__always)
    static func load16(_ base: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        guard index & 15 == 0 else { return gathered(base, index, Self.self) }
        let block = base + byteOffset(index)
        return floats(signed: block + 2 + index & 16) * Float16Elements.load(block, 0)
    }
}

enum Q4_0Elements: GemmElement {
    @inline(__always) static var width: Int { 1 }
    @inline(__always) static func byteOffset(_ elements: Int) -> Int { elements >> 5 &* 18 }
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ index: Int) -> Float {
        let block = base + byteOffset(index), j = index & 31
        let byte = block.load(fromByteOffset: 2 + j & 15, as: UInt8.self)
        return Float(Int32(j < 16 ? byte & 0x0F : byte >> 4) - 8) * Float16Elements.load(block, 0)
    }
    @inline(__always)
    static func load16(_ base: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        guard index & 15 == 0 else { return gathered(base, index, Self.self) }
        let block = base + byteOffset(index)
        return (floats(nibbles: block + 2, high: index & 16 != 0) - 8) * Float16Elements.load(block, 0)
    }
}

enum Q4_1Elements: GemmElement {
    @inline(__always) static var width: Int { 1 }
    @inline(__always) static func byteOffset(_ elements: Int) -> Int { elements >> 5 &* 20 }
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ index: Int) -> Float {
        let block = base + byteOffset(index), j = index & 31
        let byte = block.load(fromByteOffset: 4 + j & 15, as: UInt8.self)
        return Float(j < 16 ? byte & 0x0F : byte >> 4) * Float16Elements.load(block, 0) + Float16Elements.load(block, 1)
    }
    @inline(__always)
    static func load16(_ base: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        guard index & 15 == 0 else { return gathered(base, index, Self.self) }
        let block = base + byteOffset(index)
        let d = Float16Elements.load(block, 0), m = Float16Elements.load(block, 1)
        return floats(nibbles: block + 4, high: index & 16 != 0) * d + m
    }
}

/// `gemm` with a block-quantized B (`b.encoding` is `.q8_0`, `.q4_0` or `.q4_1`).
func quantizedGemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: GemmMatrix, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, threads: Int
) {
    switch b.encoding {
    case .q8_0:
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b.base, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate, threads: threads, element: Q8_0Elements.self)
    case .q4_0:
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b.base, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate, threads: threads, element: Q4_0Elements.self)
    case .q4_1:
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b.base, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate, threads: threads, element: Q4_1Elements.self)
    default:
        preconditionFailure("quantizedGemm: \(b.encoding) is not a block format")
    }
}
