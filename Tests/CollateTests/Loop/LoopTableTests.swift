import Testing
@testable import Collate

@Suite struct LoopTableTests {
    static func row(providers: Int) -> LoopRow {
        var row = LoopRow(iteration: 1)
        row.direct = LoopRow.Accuracy(correct: 26, total: 500)
        for provider in 1...providers { row.providers[provider] = LoopRow.Accuracy(correct: 370 + provider, total: 500) }
        row.selectedProvider = 2
        row.selected = row.providers[2]
        row.oracle = LoopRow.Accuracy(correct: 390, total: 500)
        row.pairsFormed = 3500
        row.pairsKept = 737
        row.pairsTrained = 737
        row.meanChosenScore = 0.7603
        row.meanRejectedScore = 0.5636
        return row
    }

    /// S = 2 keeps the layout the README's tables were printed with.
    @Test func twoProvidersKeepTheirLayout() {
        #expect(LoopTable.header(providers: 2)
            == "round  I->A     providers (test accuracy) selected        oracle   pairs  kept  trained  l_chosen  l_rejected")
        #expect(LoopTable.line(Self.row(providers: 2), providers: 2)
            == "1        5.20%  p1  74.20% p2  74.40%      74.40% (p2)     78.00%   3500   737      737  0.7603    0.5636")
    }

    /// S = 3 and more: every provider's accuracy is printed (the block used to be cut at 26
    /// characters, dropping p3's), and the columns after it stay under their headings.
    @Test(arguments: [3, 8]) func everyProviderHasItsColumn(providers: Int) {
        let header = LoopTable.header(providers: providers)
        let line = LoopTable.line(Self.row(providers: providers), providers: providers)
        for provider in 1...providers {
            let percent = String(format: "%.2f%%", Double(370 + provider) / 5)
            #expect(line.contains("p\(provider)  \(percent)"), "\(line)")
        }
        let selectedColumn = header.distance(from: header.startIndex, to: header.range(of: "selected")!.lowerBound)
        let selectedValue = line.distance(from: line.startIndex, to: line.range(of: " 74.40% (p2)")!.lowerBound)
        #expect(selectedColumn == selectedValue, "\(header)\n\(line)")
        #expect(line.hasSuffix("0.7603    0.5636"))
    }
}
