/// Packing copies a block of op(A) or op(B) into the order the microkernel reads it, so the
/// kernel streams contiguous memory whatever the transposition and leading dimension, and one
/// kernel serves all four transpose variants. Partial strips are padded with zeros: the
/// kernel then always computes full tiles and the padding contributes nothing.

/// Packs op(A)[0..<rows, 0..<kc] into strips of `GemmTile.rows` rows:
/// `packed[(s * kc + p) * 6 + r] = op(A)[s * 6 + r, p]` (zero where `s * 6 + r >= rows`).
///
/// - `a`: element (0, 0) of the block in op(A); `transA` means A is stored `[k, m]` row-major,
///   so op(A)[i, p] = a[p * lda + i]; otherwise op(A)[i, p] = a[i * lda + p].
/// - `packed`: room for `ceil(rows / 6) * 6 * kc` floats.
func gemmPackA(
    transA: Bool, rows: Int, kc: Int, a: UnsafePointer<Float>, lda: Int,
    packed: UnsafeMutablePointer<Float>
) {
    let mr = GemmTile.rows
    var strip = 0
    while strip < rows {
        let valid = min(mr, rows - strip)
        let target = packed + strip * kc
        if valid == mr {
            // Full strip: six reads and six contiguous writes per p, unrolled (about 2x faster
            // than a variable-length inner loop or six strided passes).
            if transA {
                let r0 = a + strip
                for p in 0..<kc {
                    let from = r0 + p * lda, to = target + p * mr
                    to[0] = from[0]; to[1] = from[1]; to[2] = from[2]
                    to[3] = from[3]; to[4] = from[4]; to[5] = from[5]
                }
            } else {
                let r0 = a + strip * lda, r1 = r0 + lda, r2 = r1 + lda
                let r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda
                for p in 0..<kc {
                    let to = target + p * mr
                    to[0] = r0[p]; to[1] = r1[p]; to[2] = r2[p]
                    to[3] = r3[p]; to[4] = r4[p]; to[5] = r5[p]
                }
            }
        } else {
            // The last, partial strip: copy the valid rows, zero the rest.
            for p in 0..<kc {
                let to = target + p * mr
                for r in 0..<valid {
                    let i = strip + r
                    to[r] = transA ? a[p * lda + i] : a[i * lda + p]
                }
                for r in valid..<mr { to[r] = 0 }
            }
        }
        strip += mr
    }
}

/// Packs op(B)[0..<kc, 0..<columns] into strips of `GemmTile.columns` columns:
/// `packed[(s * kc + p) * 16 + j] = op(B)[p, s * 16 + j]` (zero where out of range), widening
/// 16-bit B (`E`) to Float32 on the way: the microkernel only ever sees Float32 panels.
///
/// - `b`: the matrix, `start`: the element index of the block's (0, 0) in op(B); `transB`
///   means B is stored `[n, k]` row-major, so op(B)[p, j] = b[start + j * ldb + p]; otherwise
///   op(B)[p, j] = b[start + p * ldb + j].
/// - `packed`: 64-byte aligned, room for `ceil(columns / 16) * 16 * kc` floats.
func gemmPackB<E: GemmElement>(
    transB: Bool, kc: Int, columns: Int, b: UnsafeRawPointer, start: Int, ldb: Int,
    packed: UnsafeMutablePointer<Float>, element: E.Type
) {
    let nr = GemmTile.columns
    var strip = 0
    while strip < columns {
        let valid = min(nr, columns - strip)
        let target = packed + strip * kc
        if transB && valid == nr {
            // Column j of op(B) is row j of B, contiguous over p. Walking the 16 rows in
            // lockstep gives one 64-byte store per p: 2-4x faster than 16 strided scalar
            // stores per p, which mattered for m = 64 (B is packed for only 64 rows of work).
            let r = start + strip * ldb
            let l = ldb
            // 16 x 16 tiles: each row's 16 elements in one vector load (a quantized row
            // dequantized a block half at a time, F16/BF16 widened), transposed in registers
            // into 16 columns. The values are those of `E.load`, so the panel is the same.
            var p = 0
            while p + 16 <= kc {
                var t = LaneBlock(
                    E.load16(b, r + p), E.load16(b, r + l + p), E.load16(b, r + 2 * l + p), E.load16(b, r + 3 * l + p),
                    E.load16(b, r + 4 * l + p), E.load16(b, r + 5 * l + p), E.load16(b, r + 6 * l + p), E.load16(b, r + 7 * l + p),
                    E.load16(b, r + 8 * l + p), E.load16(b, r + 9 * l + p), E.load16(b, r + 10 * l + p), E.load16(b, r + 11 * l + p),
                    E.load16(b, r + 12 * l + p), E.load16(b, r + 13 * l + p), E.load16(b, r + 14 * l + p), E.load16(b, r + 15 * l + p))
                t.transpose()
                let to = UnsafeMutableRawPointer(target + p * nr)
                to.storeBytes(of: t.v0, toByteOffset: 0, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v1, toByteOffset: 64, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v2, toByteOffset: 128, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v3, toByteOffset: 192, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v4, toByteOffset: 256, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v5, toByteOffset: 320, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v6, toByteOffset: 384, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v7, toByteOffset: 448, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v8, toByteOffset: 512, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v9, toByteOffset: 576, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v10, toByteOffset: 640, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v11, toByteOffset: 704, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v12, toByteOffset: 768, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v13, toByteOffset: 832, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v14, toByteOffset: 896, as: SIMD16<Float>.self)
                to.storeBytes(of: t.v15, toByteOffset: 960, as: SIMD16<Float>.self)
                p += 16
            }
            while p < kc {
                let column = SIMD16<Float>(
                    E.load(b, r + p), E.load(b, r + l + p), E.load(b, r + 2 * l + p), E.load(b, r + 3 * l + p),
                    E.load(b, r + 4 * l + p), E.load(b, r + 5 * l + p), E.load(b, r + 6 * l + p), E.load(b, r + 7 * l + p),
                    E.load(b, r + 8 * l + p), E.load(b, r + 9 * l + p), E.load(b, r + 10 * l + p), E.load(b, r + 11 * l + p),
                    E.load(b, r + 12 * l + p), E.load(b, r + 13 * l + p), E.load(b, r + 14 * l + p), E.load(b, r + 15 * l + p))
                UnsafeMutableRawPointer(target + p * nr).storeBytes(of: column, as: SIMD16<Float>.self)
                p += 1
            }
        } else if transB {
            // A partial strip: column j of op(B) is row j of B; write with stride 16.
            for j in 0..<valid {
                let from = start + (strip + j) * ldb
                for p in 0..<kc { target[p * nr + j] = E.load(b, from + p) }
            }
            for j in valid..<nr {
                for p in 0..<kc { target[p * nr + j] = 0 }
            }
        } else if valid == nr {
            // Full strip of a row-major B: one unaligned 16-element load (widened) and store per p.
            let source = start + strip
            for p in 0..<kc {
                UnsafeMutableRawPointer(target + p * nr).storeBytes(of: E.load16(b, source + p * ldb), as: SIMD16<Float>.self)
            }
        } else {
            let source = start + strip
            for p in 0..<kc {
                let from = source + p * ldb, to = target + p * nr
                for j in 0..<valid { to[j] = E.load(b, from + j) }
                for j in valid..<nr { to[j] = 0 }
            }
        }
        strip += nr
    }
}
