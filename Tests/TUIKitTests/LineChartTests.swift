import Testing
@testable import TUIKit

@Suite struct LineChartTests {
    @Test func diagonalLightsTheExpectedBrailleDots() {
        // 2x1 cells = 4x4 dots; (0,0)..(3,3) maps to dot columns 0..3 and rows 3..0:
        // cell 0 gets dots (0,3) 0x40 and (1,2) 0x20 -> U+2860; cell 1 gets (2,1) 0x02 and (3,0) 0x08 -> U+280A.
        let chart = LineChart([ChartSeries("d", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 3, y: 3)], style: Style(.series(0)))],
                              xBounds: 0...3, yBounds: 0...3, showsAxes: false, showsLegend: false)
        #expect(renderLines(chart, width: 2, height: 1) == ["\u{2860}\u{280A}"])
        #expect(renderLines(chart, width: 2, height: 1) == ["⡠⠊"])
    }

    @Test func seriesShareACellAndTheLastOneColoursIt() {
        let first = ChartSeries("a", points: [ChartPoint(x: 0, y: 3)], style: Style(.series(0)))
        let second = ChartSeries("b", points: [ChartPoint(x: 1, y: 3)], style: Style(.series(1)))
        var buffer = Buffer(size: Size(width: 2, height: 1))
        buffer.render(LineChart([first, second], xBounds: 0...3, yBounds: 0...3, showsAxes: false, showsLegend: false),
                      in: buffer.area)
        #expect(buffer.line(0) == "⠉ ")   // dots (0,0) 0x01 and (1,0) 0x08
        #expect(buffer[0, 0].style == Style(.series(1)))
    }

    @Test func axesLabelsAndLegend() {
        let chart = LineChart([ChartSeries("m", values: [0.5, 0.5], style: Style(.series(0)))], yBounds: 0...1)
        // Plot 6x2 cells = 12x8 dots; y = 0.5 -> dot row 3.5, rounded to 4 = top dots of cell row 1.
        expectLines(renderLines(chart, width: 8, height: 4), [
            "1│   ━ m",
            "0│⠉⠉⠉⠉⠉⠉",
            " └──────",
            "  0    1",
        ])
    }

    @Test func boundsComeFromTheDataAndFlatDataIsWidened() {
        let chart = LineChart([ChartSeries("s", values: [2, 5, 3], style: .normal)])
        #expect(chart.bounds.x == 0...2)
        #expect(chart.bounds.y == 2...5)
        let flat = LineChart([ChartSeries("s", values: [4, 4], style: .normal)])
        #expect(flat.bounds.y == 3...5)
        #expect(LineChart([]).bounds.y == 0...1)
    }

    @Test func nonFiniteValuesBreakTheLine() {
        let chart = LineChart([ChartSeries("s", values: [3, .nan, 3, 3], style: .normal)], yBounds: 0...3,
                              showsAxes: false, showsLegend: false)
        // x 0..3 over 4 dot columns; y = 3 is the top dot row. Point 0 alone, then 2-3 joined.
        #expect(renderLines(chart, width: 2, height: 1) == ["⠁⠉"])
    }

    @Test func bresenhamVisitsEveryDotOnce() {
        var visited: [[Int]] = []
        LineChart.bresenham(from: (0, 0), to: (4, 2)) { visited.append([$0, $1]) }
        // One dot per column, each within half a dot of the ideal line y = x / 2.
        #expect(visited == [[0, 0], [1, 1], [2, 1], [3, 2], [4, 2]])
        #expect(visited.allSatisfy { abs(Double($0[1]) - Double($0[0]) / 2) <= 0.5 })
        var reversed: [[Int]] = []
        LineChart.bresenham(from: (2, 5), to: (2, 3)) { reversed.append([$0, $1]) }
        #expect(reversed == [[2, 5], [2, 4], [2, 3]])
    }

    @Test func labelsUseThreeSignificantDigits() {
        #expect(LineChart.formatLabel(0.693147) == "0.693")
        #expect(LineChart.formatLabel(12345) == "1.23e+04")
        #expect(LineChart.formatLabel(0) == "0")
        #expect(LineChart.formatLabel(-2.5) == "-2.5")
    }

    @Test func tinyAreas() {
        let chart = LineChart([ChartSeries("s", values: [1, 2], style: .normal)])
        #expect(renderLines(chart, width: 0, height: 0) == [])
        #expect(renderLines(chart, width: 1, height: 1).count == 1)
    }
}
