/// A column of a table: its header and how wide it is.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    public var width: Constraint
    /// Right-aligned columns suit numbers.
    public var alignRight: Bool

    public init(_ title: String, width: Constraint, alignRight: Bool = false) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
    }
}

/// Rows of cells under a header row, columns sized by layout constraints and separated by
/// one blank column; an optional selected row is highlighted and kept visible.
public struct Table: Widget, Sendable {
    public var columns: [TableColumn]
    public var rows: [[Line]]
    public var selected: Int?
    public var offset: Int
    public var headerStyle: Style
    public var selectionStyle: Style

    public init(columns: [TableColumn], rows: [[Line]], selected: Int? = nil, offset: Int = 0,
                headerStyle: Style = Style(.title, .bold), selectionStyle: Style = Style(.selection)) {
        self.columns = columns
        self.rows = rows
        self.selected = selected
        self.offset = offset
        self.headerStyle = headerStyle
        self.selectionStyle = selectionStyle
    }

    /// The x range of each column inside `area`.
    public func columnAreas(in area: Rect) -> [Rect] {
        var constraints: [Constraint] = []
        for (index, column) in columns.enumerated() {
            if index > 0 { constraints.append(.fixed(1)) }
            constraints.append(column.width)
        }
        let segments = Layout.horizontal(constraints).split(area)
        return stride(from: 0, to: segments.count, by: 2).map { segments[$0] }
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty, !columns.isEmpty else { return }
        let cells = columnAreas(in: area)
        for (column, cellArea) in zip(columns, cells) {
            write(Line(column.title, style: headerStyle), in: cellArea, y: area.y, alignRight: column.alignRight,
                  buffer: &buffer)
        }
        let bodyHeight = area.height - 1
        guard bodyHeight > 0 else { return }
        let first = ListView.offset(selected: selected, previous: offset, count: rows.count, height: bodyHeight)
        for row in 0..<bodyHeight {
            let index = first + row
            guard index < rows.count else { break }
            let y = area.y + 1 + row
            let isSelected = index == selected
            if isSelected { buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), with: Cell(" ", style: selectionStyle)) }
            for (columnIndex, cellArea) in cells.enumerated() where columnIndex < rows[index].count {
                var line = rows[index][columnIndex]
                if isSelected {
                    line.spans = line.spans.map { Span($0.text, style: Style(selectionStyle.role, $0.style.attributes.union(selectionStyle.attributes))) }
                }
                write(line, in: cellArea, y: y, alignRight: columns[columnIndex].alignRight, buffer: &buffer)
            }
        }
    }

    private func write(_ line: Line, in cellArea: Rect, y: Int, alignRight: Bool, buffer: inout Buffer) {
        guard cellArea.width > 0 else { return }
        let indent = alignRight ? max(0, cellArea.width - line.displayWidth) : 0
        buffer.write(line, x: cellArea.x + indent, y: y, maxWidth: cellArea.width - indent)
    }
}
