import Testing
@testable import TUIKit

/// Renders a widget into a fresh buffer of the given size and returns its rows.
func renderLines(_ widget: some Widget, width: Int, height: Int) -> [String] {
    var buffer = Buffer(size: Size(width: width, height: height))
    buffer.render(widget, in: buffer.area)
    return buffer.lines
}

/// Compares rendered rows with expected ones, reporting each differing row at the caller.
func expectLines(_ actual: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "row count", sourceLocation: sourceLocation)
    for (row, (got, want)) in zip(actual, expected).enumerated() where got != want {
        Issue.record("row \(row): got \"\(got)\", expected \"\(want)\"", sourceLocation: sourceLocation)
    }
}

/// A small deterministic generator for randomised round-trip tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
