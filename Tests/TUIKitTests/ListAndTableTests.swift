import Testing
@testable import TUIKit

@Suite struct ListViewTests {
    let items: [Line] = ["a", "b", "c", "d", "e"]

    @Test func selectionBelowTheWindowScrollsDown() {
        expectLines(renderLines(ListView(items, selected: 4, offset: 0), width: 3, height: 3), ["  c", "  d", "> e"])
    }

    @Test func selectionAboveTheWindowScrollsUp() {
        expectLines(renderLines(ListView(items, selected: 1, offset: 3), width: 3, height: 3), ["> b", "  c", "  d"])
    }

    @Test func withoutSelectionThereIsNoMarkerColumn() {
        expectLines(renderLines(ListView(items), width: 2, height: 2), ["a ", "b "])
    }

    @Test func selectedRowTakesTheSelectionStyleAcrossTheRow() {
        var buffer = Buffer(size: Size(width: 4, height: 2))
        buffer.render(ListView(items, selected: 0), in: buffer.area)
        #expect((0..<4).allSatisfy { buffer[$0, 0].style.role == .selection })
        #expect(buffer[3, 1].style.role == .normal)
    }

    @Test(arguments: [
        // (selected, previous offset, count, height, expected offset)
        (nil, 0, 5, 3, 0), (4, 0, 5, 3, 2), (2, 2, 5, 3, 2), (0, 2, 5, 3, 0),
        (nil, 9, 5, 3, 2), (3, 1, 5, 3, 1), (0, 0, 0, 3, 0), (2, 0, 5, 0, 0),
        (7, 0, 5, 3, 0),  // a selection past the end is ignored
    ] as [(Int?, Int, Int, Int, Int)])
    func offsetKeepsTheSelectionVisible(selected: Int?, previous: Int, count: Int, height: Int, expected: Int) {
        #expect(ListView.offset(selected: selected, previous: previous, count: count, height: height) == expected)
    }

    @Test func tinyAreas() {
        #expect(renderLines(ListView(items, selected: 0), width: 0, height: 0) == [])
        #expect(renderLines(ListView(items, selected: 0), width: 1, height: 1) == [">"])
        expectLines(renderLines(ListView(["日本"], selected: 0), width: 3, height: 1), [">  "])  // no room for 日: a blank
    }
}

@Suite struct TableTests {
    let table = Table(
        columns: [TableColumn("Name", width: .fixed(6)), TableColumn("Acc", width: .min(3), alignRight: true)],
        rows: [["base", "0.41"], ["日本語モデル", "0.5"], ["c", "1"]]
    )

    @Test func headerAndRowsInSizedColumns() {
        expectLines(renderLines(table, width: 12, height: 4), [
            "Name     Acc",
            "base    0.41",
            "日本語   0.5",
            "c          1",
        ])
    }

    @Test func selectedRowScrollsIntoView() {
        var selected = table
        selected.selected = 2
        expectLines(renderLines(selected, width: 12, height: 2), ["Name     Acc", "c          1"])
    }

    @Test func tinyAreas() {
        #expect(renderLines(table, width: 0, height: 0) == [])
        #expect(renderLines(table, width: 1, height: 1) == ["N"])
    }
}
