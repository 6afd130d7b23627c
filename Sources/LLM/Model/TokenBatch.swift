import TensorCore

/// Token sequences padded to one length for a batched forward.
///
/// `ids` is [B * T] row-major, `isToken[b * T + t]` false on padding (either side). Each
/// real token's position is the number of real tokens before it in its row, so a padded
/// row gives the same logits as the row alone.
public struct TokenBatch: Sendable, Equatable {
    public let batch: Int
    public let length: Int
    public let ids: [Int]
    public let isToken: [Bool]

    /// Pads `rows` on the right with `padID` (any valid id: padding is masked).
    public init(rows: [[Int]], padID: Int = 0) {
        batch = rows.count
        length = rows.map(\.count).max() ?? 0
        var ids: [Int] = [], isToken: [Bool] = []
        for row in rows {
            ids += row + Array(repeating: padID, count: length - row.count)
            isToken += Array(repeating: true, count: row.count) + Array(repeating: false, count: length - row.count)
        }
        self.ids = ids
        self.isToken = isToken
    }

    public init(ids: [Int], isToken: [Bool], batch: Int) {
        precondition(batch > 0 && ids.count % batch == 0 && isToken.count == ids.count,
                     "TokenBatch: \(ids.count) ids and \(isToken.count) flags for \(batch) rows")
        self.batch = batch
        length = ids.count / batch
        self.ids = ids
        self.isToken = isToken
    }

    public var hasPadding: Bool { isToken.contains(false) }

    /// RoPE position of every slot, [B * T].
    public var positions: [Int] {
        var positions = [Int](repeating: 0, count: ids.count)
        for b in 0..<batch {
            var seen = 0
            for t in 0..<length {
                positions[b * length + t] = max(seen - (isToken[b * length + t] ? 0 : 1), 0)
                if isToken[b * length + t] { seen += 1 }
            }
        }
        return positions
    }

    /// Additive attention mask [B, T] (0 keeps, -inf drops padding keys), nil without padding.
    public var keyMask: Tensor? {
        guard hasPadding else { return nil }
        return Tensor(isToken.map { $0 ? 0 : -Float.infinity }, shape: [batch, length])
    }
}
