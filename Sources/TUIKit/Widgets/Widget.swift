/// Something that draws itself into a rectangle of a buffer. Rendering is pure: the same
/// widget, area and buffer give the same cells, and nothing is drawn outside `area`.
/// State that must survive between frames (scroll offsets, selections, input text) lives
/// in the application's state and is passed in when the widget is built.
public protocol Widget {
    func render(in area: Rect, buffer: inout Buffer)
}

extension Buffer {
    /// Renders a widget into `area` (clipped to the buffer).
    public mutating func render(_ widget: some Widget, in area: Rect) {
        widget.render(in: area.intersection(self.area), buffer: &self)
    }
}
