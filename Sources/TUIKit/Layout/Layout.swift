/// How much of a split one segment takes.
public enum Constraint: Hashable, Sendable {
    /// Exactly `n` cells (less only if the area is too small for the fixed parts).
    case fixed(Int)
    /// At least `n` cells; segments with `.min` share whatever is left over equally.
    case min(Int)
    /// `numerator / denominator` of the whole area, rounded down.
    case ratio(Int, Int)
}

public enum SplitDirection: Hashable, Sendable {
    /// Segments side by side, left to right (constraints are widths).
    case horizontal
    /// Segments stacked, top to bottom (constraints are heights).
    case vertical
}

/// Splits a rectangle along one direction.
///
/// Sizing, in order: fixed and minimum sizes and ratios first; if that is more than the
/// area, ratio segments shrink first (last one first), then `.min`, then `.fixed` segments,
/// so minimums and fixed parts survive longest. Space left over goes in equal shares to the
/// `.min` segments (the first ones get the remainder cells); with no `.min` segment, one cell
/// each to the ratio segments from the first for the cells lost by rounding down (so 3 x 1/3
/// of 10 is 4, 3, 3), and any rest stays unused at the end (1/2 of 10 is 5).
public struct Layout: Hashable, Sendable {
    public var direction: SplitDirection
    public var constraints: [Constraint]

    public init(_ direction: SplitDirection, _ constraints: [Constraint]) {
        self.direction = direction
        self.constraints = constraints
    }

    public static func horizontal(_ constraints: [Constraint]) -> Layout { Layout(.horizontal, constraints) }
    public static func vertical(_ constraints: [Constraint]) -> Layout { Layout(.vertical, constraints) }

    /// The segments' lengths along the split for `total` available cells.
    public func lengths(total: Int) -> [Int] {
        let total = Swift.max(0, total)
        var lengths = constraints.map { constraint -> Int in
            switch constraint {
            case .fixed(let n), .min(let n): return Swift.max(0, n)
            case .ratio(let numerator, let denominator):
                guard denominator > 0 else { return 0 }
                return Swift.max(0, total * numerator / denominator)
            }
        }
        var excess = lengths.reduce(0, +) - total
        let shrinkOrder: [(Constraint) -> Bool] = [
            { if case .ratio = $0 { true } else { false } },
            { if case .min = $0 { true } else { false } },
            { if case .fixed = $0 { true } else { false } },
        ]
        for isKind in shrinkOrder where excess > 0 {
            for index in constraints.indices.reversed() where excess > 0 && isKind(constraints[index]) {
                let cut = Swift.min(lengths[index], excess)
                lengths[index] -= cut
                excess -= cut
            }
        }
        var leftover = -excess
        guard leftover > 0 else { return lengths }
        let growable = constraints.indices.filter { if case .min = constraints[$0] { true } else { false } }
        if !growable.isEmpty {
            let share = leftover / growable.count
            let remainder = leftover % growable.count
            for (rank, index) in growable.enumerated() { lengths[index] += share + (rank < remainder ? 1 : 0) }
            return lengths
        }
        // Rounding every ratio down loses up to one cell per ratio; give those cells back.
        var exactRatioCells = 0.0, roundedRatioCells = 0
        for (index, constraint) in constraints.enumerated() {
            if case .ratio(let numerator, let denominator) = constraint, denominator > 0 {
                exactRatioCells += Double(total) * Double(numerator) / Double(denominator)
                roundedRatioCells += lengths[index]
            }
        }
        leftover = Swift.min(leftover, Swift.max(0, Int(exactRatioCells + 1e-9) - roundedRatioCells))
        for index in constraints.indices where leftover > 0 {
            if case .ratio = constraints[index] {
                lengths[index] += 1
                leftover -= 1
            }
        }
        return lengths
    }

    /// The segments of `area`, in order, one per constraint.
    public func split(_ area: Rect) -> [Rect] {
        let total = direction == .horizontal ? area.width : area.height
        var offset = 0
        return lengths(total: total).map { length in
            defer { offset += length }
            switch direction {
            case .horizontal: return Rect(x: area.x + offset, y: area.y, width: length, height: area.height)
            case .vertical: return Rect(x: area.x, y: area.y + offset, width: area.width, height: length)
            }
        }
    }
}
