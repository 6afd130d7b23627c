import TensorCore

/// Blind mode's column order: a shuffle of the providers that depends only on the prompt,
/// so a prompt shows the same order every time it is opened (and on every machine), while
/// the order differs between prompts, against position bias.
public enum BlindOrder {
    /// A permutation of 0..<count: Fisher-Yates driven by SplitMix64 seeded with the id.
    public static func permutation(count: Int, promptID: Int64) -> [Int] {
        var order = Array(0..<count)
        guard count > 1 else { return order }
        var state = UInt64(bitPattern: promptID) &+ 0x5EED_C011_A7E0_0001
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for index in stride(from: count - 1, to: 0, by: -1) {
            let other = Int(next() % UInt64(index + 1))
            order.swapAt(index, other)
        }
        return order
    }

    /// "A", "B", ... for screen columns 0, 1, ...
    public static func letter(_ column: Int) -> String {
        guard column >= 0, column < 26, let scalar = Unicode.Scalar(65 + column) else { return "#\(column + 1)" }
        return String(Character(scalar))
    }
}
