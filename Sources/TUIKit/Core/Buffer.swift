/// A grid of cells, the whole frame a UI renders before the diff goes to the terminal.
///
/// Invariant: a continuation cell always sits right of a wide grapheme, and a wide
/// grapheme always has its continuation; writes that break a pair blank its other half.
public struct Buffer: Hashable, Sendable {
    public private(set) var size: Size
    /// Row-major, `size.width * size.height` cells.
    public private(set) var cells: [Cell]

    public init(size: Size, filling cell: Cell = .blank) {
        self.size = size
        self.cells = Array(repeating: cell, count: size.area)
    }

    public var area: Rect { Rect(size: size) }

    public func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < size.width && y < size.height
    }

    /// The cell at (x, y); a blank cell outside the buffer.
    public subscript(x: Int, y: Int) -> Cell {
        contains(x: x, y: y) ? cells[y * size.width + x] : .blank
    }

    /// Sets one cell exactly as given (used by the diff); ignores positions outside.
    /// Breaking a wide pair blanks the other half so the invariant holds.
    public mutating func set(x: Int, y: Int, _ cell: Cell) {
        guard contains(x: x, y: y) else { return }
        let index = y * size.width + x
        let old = cells[index]
        if old.isContinuation, !cell.isContinuation, x > 0 {
            cells[index - 1] = Cell(" ", style: cells[index - 1].style)
        }
        if old.width == 2, cell.width != 2, x + 1 < size.width {
            cells[index + 1] = Cell(" ", style: cells[index + 1].style)
        }
        cells[index] = cell
    }

    /// Writes `text` from (x, y) to the right, clipped to `maxWidth` columns and to the
    /// buffer. Control characters and zero-width graphemes are dropped; a wide grapheme
    /// that would straddle the edge becomes a space. Returns the columns used.
    @discardableResult
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, style: Style = .normal,
                               maxWidth: Int = .max) -> Int {
        guard y >= 0, y < size.height else { return 0 }
        let limit = maxWidth == .max ? size.width : min(x + maxWidth, size.width)
        var column = x
        for grapheme in text {
            if column >= limit { break }
            column += put(grapheme, width: grapheme.displayWidth, x: column, y: y, style: style, limit: limit)
        }
        return max(0, column - x)
    }

    /// Writes one grapheme of known display width at (x, y) if it ends before column
    /// `limit`; a wide grapheme that does not fit becomes a space. Returns the columns used
    /// (0 for zero-width graphemes). Rows outside the buffer are the caller's concern.
    @discardableResult
    public mutating func put(_ grapheme: Character, width: Int, x: Int, y: Int, style: Style, limit: Int) -> Int {
        guard width > 0, x < limit else { return 0 }
        if x + width > limit {
            if x >= 0 { set(x: x, y: y, Cell(" ", style: style, width: 1)) }
            return 1
        }
        if x >= 0 {
            set(x: x, y: y, Cell(grapheme, style: style, width: width))
            if width == 2 { set(x: x + 1, y: y, .continuation(style: style)) }
        }
        return width
    }

    /// Writes the spans of a line one after another; returns the columns used.
    @discardableResult
    public mutating func write(_ line: Line, x: Int, y: Int, maxWidth: Int = .max) -> Int {
        var used = 0
        for span in line.spans {
            let remaining = maxWidth == .max ? Int.max : maxWidth - used
            if remaining <= 0 { break }
            used += write(span.text, x: x + used, y: y, style: span.style, maxWidth: remaining)
        }
        return used
    }

    /// Fills a rectangle (clipped to the buffer) with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let clipped = rect.intersection(area)
        guard !clipped.isEmpty else { return }
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { set(x: x, y: y, cell) }
        }
    }

    /// Restyles every cell of a rectangle, keeping its text.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let clipped = rect.intersection(area)
        guard !clipped.isEmpty else { return }
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { cells[y * size.width + x].style = style }
        }
    }

    /// Row `y` as text, continuation cells skipped (so a CJK row is shorter in characters
    /// than in cells). Trailing spaces are kept: tests compare whole rows.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < size.height else { return "" }
        var text = ""
        for x in 0..<size.width {
            let cell = cells[y * size.width + x]
            if !cell.isContinuation { text.append(cell.grapheme) }
        }
        return text
    }

    /// Every row as text (see `line(_:)`).
    public var lines: [String] { (0..<size.height).map(line) }
}
