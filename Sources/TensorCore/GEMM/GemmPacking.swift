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
        if transA {
            // A row p holds op(A)[., p] contiguously: copy `valid` floats per p.
            let source = a + strip
            for p in 0..<kc {
                let from = source + p * lda, to = target + p * mr
                for r in 0..<valid { to[r] = from[r] }
                for r in valid..<mr { to[r] = 0 }
            }
        } else {
            // Row r of the strip is contiguous in A: read it, write with stride 6.
            for r in 0..<valid {
                let from = a + (strip + r) * lda
                for p in 0..<kc { target[p * mr + r] = from[p] }
            }
            for r in valid..<mr {
                for p in 0..<kc { target[p * mr + r] = 0 }
            }
        }
        strip += mr
    }
}

/// Packs op(B)[0..<kc, 0..<columns] into strips of `GemmTile.columns` columns:
/// `packed[(s * kc + p) * 16 + j] = op(B)[p, s * 16 + j]` (zero where out of range).
///
/// - `b`: element (0, 0) of the block in op(B); `transB` means B is stored `[n, k]` row-major,
///   so op(B)[p, j] = b[j * ldb + p]; otherwise op(B)[p, j] = b[p * ldb + j].
/// - `packed`: 64-byte aligned, room for `ceil(columns / 16) * 16 * kc` floats.
func gemmPackB(
    transB: Bool, kc: Int, columns: Int, b: UnsafePointer<Float>, ldb: Int,
    packed: UnsafeMutablePointer<Float>
) {
    let nr = GemmTile.columns
    var strip = 0
    while strip < columns {
        let valid = min(nr, columns - strip)
        let target = packed + strip * kc
        if transB {
            // Column j of op(B) is row j of B, contiguous over p: write with stride 16.
            for j in 0..<valid {
                let from = b + (strip + j) * ldb
                for p in 0..<kc { target[p * nr + j] = from[p] }
            }
            for j in valid..<nr {
                for p in 0..<kc { target[p * nr + j] = 0 }
            }
        } else if valid == nr {
            // Full strip of a row-major B: one unaligned 16-float load and store per p.
            let source = b + strip
            for p in 0..<kc {
                let row = UnsafeRawPointer(source + p * ldb).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(target + p * nr).storeBytes(of: row, as: SIMD16<Float>.self)
            }
        } else {
            let source = b + strip
            for p in 0..<kc {
                let from = source + p * ldb, to = target + p * nr
                for j in 0..<valid { to[j] = from[j] }
                for j in valid..<nr { to[j] = 0 }
            }
        }
        strip += nr
    }
}
