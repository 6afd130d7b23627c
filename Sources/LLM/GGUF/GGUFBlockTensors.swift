import TensorCore

/// GGUF matrices kept as their quantized blocks (`--weights stored` on a Q8_0 / Q4_0 / Q4_1
/// file): the blocks are copied as they are, rows moved whole to undo the RoPE row
/// interleaving of q_proj / k_proj (a row is a whole number of blocks, so the permutation
/// never touches a block).
extension GGMLType {
    /// The tensor storage that holds this type's blocks unchanged, for the block formats
    /// the kernels read directly.
    public var blockEncoding: ScalarEncoding? {
        switch self {
        case .q8_0: .q8_0
        case .q4_0: .q4_0
        case .q4_1: .q4_1
        default: nil
        }
    }
}

extension GGUFCheckpoint {
    /// Our matrix `name` (`shape` = [rows, columns]) as a tensor over a copy of its blocks,
    /// in Hugging Face's row order.
    public func blockTensor(_ name: String, encoding: ScalarEncoding, shape: [Int]) throws(GGUFError) -> Tensor {
        let info = try info(name)
        let bytes = try file.rawBytes(info.name)
        guard shape.count == 2, let rowBytes = info.type.byteCount(rowLength: shape[1], rows: 1),
              rowBytes * shape[0] == bytes.count else {
            throw .tensorShapeMismatch(file: path, tensor: info.name, expected: shape.reversed(), found: info.dimensions)
        }
        var rows = Array(bytes)
        if let heads = GGUFLlama.permutedHeads(of: name, config: config) {
            rows = GGUFLlama.unpermutedRows(rows, heads: heads, columns: rowBytes)
        }
        do {
            return try rows.withUnsafeBytes { try Tensor(blocks: $0, encoding: encoding, shape: shape) }
        } catch {
            throw .tensorShapeMismatch(file: path, tensor: info.name, expected: shape.reversed(), found: info.dimensions)
        }
    }
}
