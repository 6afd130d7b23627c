import Testing
@testable import Collate

@Suite struct ProviderPartitionTests {
    @Test func subsetsAreDisjointCoverAllAndBalanced() throws {
        let ids = (1...103).map { Int64($0 * 7) }
        let parts = try ProviderPartition.assign(promptIDs: ids.reversed(), providerCount: 3, seed: 9)
        #expect(Set(parts.keys) == [1, 2, 3])
        let all = parts.values.flatMap { $0 }
        #expect(all.count == ids.count && Set(all) == Set(ids))
        #expect(parts.values.map(\.count).sorted() == [34, 34, 35])
        #expect(try ProviderPartition.assign(promptIDs: ids, providerCount: 3, seed: 9) == parts)
        #expect(try ProviderPartition.assign(promptIDs: ids, providerCount: 3, seed: 10) != parts)
    }

    @Test func noProviderDistinctionGivesEveryoneEverything() throws {
        let parts = try ProviderPartition.assign(promptIDs: [3, 1, 2], providerCount: 2, seed: 0, distinct: false)
        #expect(parts == [1: [1, 2, 3], 2: [1, 2, 3]])
        #expect(try ProviderPartition.assign(promptIDs: [5, 6], providerCount: 1, seed: 4) == [1: [5, 6]])
    }

    @Test func rejectsBadInput() {
        #expect(throws: MethodError.self) { try ProviderPartition.assign(promptIDs: [1], providerCount: 0, seed: 0) }
        #expect(throws: MethodError.self) { try ProviderPartition.assign(promptIDs: [1, 1], providerCount: 2, seed: 0) }
    }
}
