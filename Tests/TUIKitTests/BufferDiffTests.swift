import Testing
@testable import TUIKit

@Suite struct BufferDiffTests {
    static let alphabet: [Character] = ["a", "b", " ", "中", "😀", "e\u{301}", "x"]
    static let roles: [StyleRole] = [.normal, .accent, .chosen]

    /// A random frame: random graphemes (some wide) in random styles.
    static func randomBuffer(_ size: Size, _ generator: inout SeededGenerator) -> Buffer {
        var buffer = Buffer(size: size)
        for y in 0..<size.height {
            var x = 0
            while x < size.width {
                let grapheme = alphabet.randomElement(using: &generator) ?? "a"
                let style = Style(roles.randomElement(using: &generator) ?? .normal)
                x += max(1, buffer.write(String(grapheme), x: x, y: y, style: style))
            }
        }
        return buffer
    }

    /// A copy of `base` with a few random overwrites, so diffs have short runs.
    static func mutated(_ base: Buffer, _ generator: inout SeededGenerator) -> Buffer {
        var buffer = base
        for _ in 0..<Int.random(in: 0...6, using: &generator) {
            let x = Int.random(in: 0..<base.size.width, using: &generator)
            let y = Int.random(in: 0..<base.size.height, using: &generator)
            let text = String((0..<Int.random(in: 1...4, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "a" })
            buffer.write(text, x: x, y: y, style: Style(roles.randomElement(using: &generator) ?? .normal))
        }
        return buffer
    }

    @Test func applyingTheDiffTurnsOldIntoNew() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let size = Size(width: Int.random(in: 1...12, using: &generator), height: Int.random(in: 1...4, using: &generator))
            let old = Self.randomBuffer(size, &generator)
            let new = Bool.random(using: &generator) ? Self.randomBuffer(size, &generator) : Self.mutated(old, &generator)
            var patched = old
            patched.apply(BufferDiff(from: old, to: new))
            #expect(patched == new, "\(old.lines) -> \(new.lines) gave \(patched.lines)")
        }
    }

    @Test func runsNeverStartOnAContinuation() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let size = Size(width: 10, height: 3)
            let old = Self.randomBuffer(size, &generator)
            let new = Self.mutated(old, &generator)
            for run in BufferDiff(from: old, to: new).runs {
                #expect(run.cells.first?.isContinuation == false)
                #expect(run.cells.last.map { $0.width < 2 } == true, "a run must not end on half a wide grapheme")
            }
        }
    }

    @Test func identicalBuffersGiveAnEmptyDiff() {
        var generator = SeededGenerator(seed: 3)
        let buffer = Self.randomBuffer(Size(width: 20, height: 5), &generator)
        #expect(BufferDiff(from: buffer, to: buffer).isEmpty)
        #expect(BufferDiff(from: Buffer(size: .zero), to: Buffer(size: .zero)).isEmpty)
    }

    @Test func changedCellsFormMinimalRuns() {
        var old = Buffer(size: Size(width: 10, height: 2))
        old.write("abcdefghij", x: 0, y: 0)
        var new = old
        new.write("XY", x: 2, y: 0)
        new.write("Z", x: 7, y: 0)
        new.write("q", x: 9, y: 1)
        let diff = BufferDiff(from: old, to: new)
        #expect(diff.runs == [
            CellRun(x: 2, y: 0, cells: [Cell("X"), Cell("Y")]),
            CellRun(x: 7, y: 0, cells: [Cell("Z")]),
            CellRun(x: 9, y: 1, cells: [Cell("q")]),
        ])
        #expect(diff.changedCellCount == 4)
    }

    @Test func aStyleChangeOnAWideGraphemeRewritesTheWholeGrapheme() {
        var old = Buffer(size: Size(width: 4, height: 1))
        old.write("a中b", x: 0, y: 0)
        var new = old
        new.write("中", x: 1, y: 0, style: Style(.accent))
        let diff = BufferDiff(from: old, to: new)
        #expect(diff.runs.count == 1)
        #expect(diff.runs.first?.x == 1)
        #expect(diff.runs.first?.cells.count == 2)
    }

    @Test func sizeChangeRepaintsEverything() {
        let old = Buffer(size: Size(width: 2, height: 2))
        var new = Buffer(size: Size(width: 3, height: 1))
        new.write("abc", x: 0, y: 0)
        let diff = BufferDiff(from: old, to: new)
        #expect(diff.runs == [CellRun(x: 0, y: 0, cells: [Cell("a"), Cell("b"), Cell("c")])])
    }
}
