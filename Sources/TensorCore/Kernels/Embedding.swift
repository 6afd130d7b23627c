/// Embedding lookup: rows of a table gathered by token id; its gradient scatter-adds back.
///
/// table: [V, D], ids: `count` ids laid out as `idsShape` -> [...idsShape, D].
public func embedding(_ table: Tensor, ids: [Int], idsShape: [Int]? = nil) -> Tensor {
    precondition(table.rank == 2, "embedding: table must be [V, D], got \(table.shape)")
    let (vocab, d) = (table.shape[0], table.shape[1])
    let shape = idsShape ?? [ids.count]
    precondition(Tensor.elementCount(shape) == ids.count, "embedding: \(ids.count) ids for shape \(shape)")
    for id in ids { precondition(id >= 0 && id < vocab, "embedding: id \(id) outside vocabulary of \(vocab)") }
    if table.storageEncoding.isBlockQuantized {
        // A quantized table: dequantize only the rows asked for.
        return table.withUnsafeStoredElements { blocks in
            Tensor(shape: shape + [d]) { out in
                for (row, id) in ids.enumerated() {
                    dequantizeBlocks(blocks + table.storageEncoding.byteCount(elements: id * d),
                                     encoding: table.storageEncoding, count: d, into: out.baseAddress! + row * d)
                }
            }
        }
    }
    if table.storageEncoding != .float32 {
        // A 16-bit table: widen only the rows asked for (never the whole table).
        return table.withUnsafeHalfWords { words in
            Tensor(shape: shape + [d]) { out in
                for (row, id) in ids.enumerated() {
                    widenHalfWords(words + id * d, encoding: table.storageEncoding, count: d,
                                   into: out.baseAddress! + row * d)
                }
            }
        }
    }
    return table.withUnsafeBufferPointer { w in
        Tensor(shape: shape + [d]) { out in
            for (row, id) in ids.enumerated() {
                (out.baseAddress! + row * d).initialize(from: w.baseAddress! + id * d, count: d)
            }
        }
    }
}

/// d table[id] += dy[row] for every row, in row order (deterministic).
public func embeddingBackward(_ dy: Tensor, ids: [Int], tableShape: [Int]) -> Tensor {
    let d = tableShape[1]
    var grad = Tensor.zeros(tableShape)
    grad.withUnsafeMutableBufferPointer { g in
        dy.withUnsafeBufferPointer { src in
            for (row, id) in ids.enumerated() {
                let dst = g.baseAddress! + id * d, s = src.baseAddress! + row * d
                for i in 0..<d { dst[i] += s[i] }
            }
        }
    }
    return grad
}
