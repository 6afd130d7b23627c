import Foundation
import GRDB
import Testing
@testable import Collate
import TestSupport

/// Issue 23: two writers on one store file (two connections, as two processes have), writing
/// labels at once, one of them compare-and-set: no write lost, no busy error, every refused
/// compare-and-set names the row that beat it, and the file passes `PRAGMA integrity_check`.
@Suite struct TwoWritersTests {
    @Test func concurrentLabelWritersLoseNothingAndKeepTheFileSound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("state.sqlite")
        let first = try SessionStore(url: url)
        try first.write { db in
            for line in 1...8 {
                var prompt = PromptRecord(split: .train, instruction: "q\(line)", goldRationale: nil, goldAnswer: "\(line)",
                                          options: nil, sourceFile: "t.jsonl", sourceLine: line, sourceHash: "\(line)")
                try prompt.insert(db)
            }
        }
        let second = try SessionStore(url: url)
        let rounds = 150
        let plainWrites = WriteCounter(), casWrites = WriteCounter(), refusals = WriteCounter()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for round in 0..<rounds {
                let prompt = Int64(1 + round % 8)
                let request: HumanLabelRequest = round % 2 == 0 ? .pair(chosen: 1, rejected: 2) : .pair(chosen: 2, rejected: 1)
                do {
                    if writer == 0 {
                        // The command line: the latest decision wins.
                        if try !first.writeHumanLabel(promptID: prompt, iteration: 1, request: request, note: "w0 \(round)",
                                                      providerCount: 2).unchanged { plainWrites.add() }
                    } else {
                        // A workbench: compare-and-set on what it last saw.
                        let seen = try second.labelSnapshot(iteration: 1).latestHumanRow[prompt]
                        do {
                            _ = try second.writeHumanLabel(promptID: prompt, iteration: 1, request: request, note: "w1 \(round)",
                                                           providerCount: 2, expecting: .latestHumanRow(seen))
                            casWrites.add()
                        } catch StoreError.labelChanged(let id, let current) {
                            #expect(id == prompt && current != nil)
                            refusals.add()
                        }
                    }
                } catch {
                    Issue.record("writer \(writer) round \(round): \(error)")
                }
            }
        }
        let rows = try first.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM label WHERE source = 'human'") ?? -1 }
        #expect(rows == plainWrites.value + casWrites.value, "every write that returned is in the file, once")
        #expect(casWrites.value + refusals.value == rounds)
        let integrity = try first.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
    }
}

/// A count shared by the writer threads.
final class WriteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
