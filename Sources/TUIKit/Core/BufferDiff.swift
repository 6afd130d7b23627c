/// Consecutive changed cells on one row, to be written from (x, y) onwards.
public struct CellRun: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var cells: [Cell]

    public init(x: Int, y: Int, cells: [Cell]) {
        self.x = x
        self.y = y
        self.cells = cells
    }
}

/// The difference between two frames of the same size: the runs that turn `old` into `new`.
public struct BufferDiff: Hashable, Sendable {
    public var runs: [CellRun]

    public var isEmpty: Bool { runs.isEmpty }
    public var changedCellCount: Int { runs.reduce(0) { $0 + $1.cells.count } }

    /// Runs of changed cells, row by row. A run never starts on a continuation cell (the
    /// terminal cannot draw half a wide grapheme): it then starts one cell earlier, at the
    /// grapheme, and a run ending on a wide grapheme includes its continuation.
    /// Frames of different sizes give a full repaint of `new`. Cost: O(cells).
    public init(from old: Buffer, to new: Buffer) {
        let width = new.size.width
        guard old.size == new.size else {
            runs = (0..<new.size.height).map { y in
                CellRun(x: 0, y: y, cells: Array(new.cells[(y * width)..<((y + 1) * width)]))
            }
            return
        }
        var runs: [CellRun] = []
        let oldCells = old.cells, newCells = new.cells
        for y in 0..<new.size.height {
            let rowStart = y * width
            var x = 0
            while x < width {
                if oldCells[rowStart + x] == newCells[rowStart + x] {
                    x += 1
                    continue
                }
                var start = x
                if newCells[rowStart + start].isContinuation, start > 0 { start -= 1 }
                var end = x + 1  // exclusive
                while end < width, oldCells[rowStart + end] != newCells[rowStart + end] { end += 1 }
                if end < width, newCells[rowStart + end].isContinuation { end += 1 }
                if let last = runs.last, last.y == y, last.x + last.cells.count >= start {
                    // The widening above made this run touch the previous one: merge them.
                    let lastEnd = last.x + last.cells.count
                    runs[runs.count - 1].cells += newCells[(rowStart + lastEnd)..<(rowStart + end)]
                } else {
                    runs.append(CellRun(x: start, y: y, cells: Array(newCells[(rowStart + start)..<(rowStart + end)])))
                }
                x = end
            }
        }
        self.runs = runs
    }
}

extension Buffer {
    /// Writes the runs of a diff into this buffer (what a terminal does when shown them).
    public mutating func apply(_ diff: BufferDiff) {
        for run in diff.runs {
            for (offset, cell) in run.cells.enumerated() { set(x: run.x + offset, y: run.y, cell) }
        }
    }
}
