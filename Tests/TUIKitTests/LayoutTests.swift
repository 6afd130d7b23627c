import Testing
@testable import TUIKit

@Suite struct LayoutTests {
    @Test(arguments: [
        ("min takes the rest", [Constraint.fixed(10), .min(5), .ratio(1, 4)], 40, [10, 20, 10]),
        ("two mins share, first gets the odd cell", [.min(2), .min(2)], 11, [6, 5]),
        ("ratios give back rounding losses", [.ratio(1, 3), .ratio(1, 3), .ratio(1, 3)], 10, [4, 3, 3]),
        ("a lone ratio leaves the rest unused", [.ratio(1, 2)], 10, [5]),
        ("too small: ratio shrinks first, then min", [.fixed(10), .min(5), .ratio(1, 2)], 12, [10, 2, 0]),
        ("too small: fixed shrinks last, from the end", [.fixed(4), .fixed(4)], 6, [4, 2]),
        ("nothing to split", [.fixed(3), .min(1), .ratio(1, 2)], 0, [0, 0, 0]),
        ("zero denominator is empty", [.ratio(1, 0), .min(0)], 5, [0, 5]),
    ] as [(String, [Constraint], Int, [Int])])
    func lengths(name: String, constraints: [Constraint], total: Int, expected: [Int]) {
        #expect(Layout(.horizontal, constraints).lengths(total: total) == expected, "\(name)")
    }

    @Test func segmentsNeverExceedTheArea() {
        let cases: [[Constraint]] = [[.fixed(7), .min(3)], [.ratio(2, 3), .min(4), .fixed(2)], [.min(9), .min(9)]]
        for constraints in cases {
            for total in 0...25 {
                let lengths = Layout(.vertical, constraints).lengths(total: total)
                #expect(lengths.reduce(0, +) <= total)
                #expect(lengths.allSatisfy { $0 >= 0 })
            }
        }
    }

    @Test func verticalSplitStacksRects() {
        let area = Rect(x: 2, y: 1, width: 30, height: 20)
        let parts = Layout.vertical([.fixed(1), .min(3), .fixed(1)]).split(area)
        #expect(parts == [
            Rect(x: 2, y: 1, width: 30, height: 1),
            Rect(x: 2, y: 2, width: 30, height: 18),
            Rect(x: 2, y: 20, width: 30, height: 1),
        ])
    }

    @Test func horizontalSplitPlacesRectsSideBySide() {
        let parts = Layout.horizontal([.ratio(1, 4), .min(10)]).split(Rect(x: 0, y: 3, width: 40, height: 5))
        #expect(parts == [Rect(x: 0, y: 3, width: 10, height: 5), Rect(x: 10, y: 3, width: 30, height: 5)])
    }

    @Test func rectHelpers() {
        let rect = Rect(x: 1, y: 1, width: 4, height: 3)
        #expect(rect.inset(by: 1) == Rect(x: 2, y: 2, width: 2, height: 1))
        #expect(rect.inset(by: 5).isEmpty)
        #expect(rect.intersection(Rect(x: 3, y: 0, width: 10, height: 2)) == Rect(x: 3, y: 1, width: 2, height: 1))
        #expect(rect.intersection(Rect(x: 10, y: 10, width: 1, height: 1)).isEmpty)
        #expect(rect.contains(Point(x: 4, y: 3)))
        #expect(!rect.contains(Point(x: 5, y: 3)))
        #expect(Size(width: -3, height: 2) == Size(width: 0, height: 2))
    }
}
