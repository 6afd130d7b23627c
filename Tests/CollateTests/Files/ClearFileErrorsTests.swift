import Foundation
import GRDB
import Testing
@testable import Collate
import TestSupport

/// Issue 23: file problems in words that name the file (and the line): invalid UTF-8, a
/// directory where a file should be, a dangling symbolic link, a full disk.
@Suite struct ClearFileErrorsTests {
    @Test func invalidUTF8NamesTheLineAndByte() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("session.toml")
        try Data(Array("[loop]\niterations = 2\nna".utf8) + [0xC3, 0x28] + Array("me = 1\n".utf8)).write(to: url)
        #expect(throws: TextFileError(path: url.path, problem: .invalidUTF8(line: 3, byte: 3))) { try TextFile.read(url) }
        let error = #expect(throws: ManifestError.self) { try SessionManifest.load(from: url) }
        #expect(error?.description == "\(url.path):3: cannot read the manifest: not valid UTF-8 (byte 3 of the line)")
        // A truncated multi-byte character at the very end.
        try Data(Array("ok\n".utf8) + [0xE2, 0x82]).write(to: url)
        #expect(throws: TextFileError(path: url.path, problem: .invalidUTF8(line: 2, byte: 1))) { try TextFile.read(url) }
        try Data("ünïcödé\n".utf8).write(to: url)
        #expect(try TextFile.read(url) == "ünïcödé\n")
    }

    @Test func aDirectoryOrADanglingLinkIsNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = directory.url.appendingPathComponent("session.toml")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let error = #expect(throws: ManifestError.self) { try SessionManifest.load(from: folder) }
        #expect(error?.description == "\(folder.path): cannot read the manifest: a directory, not a file")

        let link = directory.url.appendingPathComponent("link.toml")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/nonexistent/x.toml")
        #expect(throws: TextFileError(path: link.path, problem: .danglingLink(target: "/nonexistent/x.toml"))) {
            try TextFile.read(link)
        }
    }

    @Test func initOnADanglingSymlinkSaysSo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = try SessionLocation(name: "gsm", sessionsDirectory: directory.url)
        try FileManager.default.createSymbolicLink(atPath: location.folder.path, withDestinationPath: "/nonexistent/gsm")
        let error = #expect(throws: SessionError.self) {
            _ = try Session.create(location, data: TaskDataSpec(format: .gsm8k, train: "t.jsonl"))
        }
        #expect(error == .io(path: location.folder.path,
                             reason: "a symbolic link to /nonexistent/gsm, which does not exist (create the target or remove the link)"))
    }

    /// A full disk is simulated with SQLite's page limit on the writer connection: the write
    /// fails with SQLITE_FULL, which the store reports with its path, and nothing of it stays.
    @Test func aFullDiskNamesTheStore() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("state.sqlite")
        let store = try SessionStore(url: url)
        try store.database.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let big = String(repeating: "y", count: 200_000)
        #expect(throws: StoreError.diskFull(url.path)) {
            try store.write { db in
                var prompt = PromptRecord(split: .train, instruction: big, goldRationale: nil, goldAnswer: "1", options: nil,
                                          sourceFile: "t.jsonl", sourceLine: 1, sourceHash: "0")
                try prompt.insert(db)
            }
        }
        #expect(try store.prompts().isEmpty)
        #expect(StoreError.diskFull(url.path).description.hasPrefix("\(url.path): the disk is full"))
    }
}

/// Found by FuzzTests: a table header with no name made TOMLKit's toml++ assert and abort.
@Suite struct ManifestFuzzRegressionTests {
    @Test(arguments: ["[\n", "x = 1\n\n[\n# provider\n", "[ \n", "[#c\n", "[[\n", "[", "[\u{FFFD}ift]\n", "[ =x]\n"])
    func aNamelessTableHeaderIsAnErrorNotAnAbort(_ text: String) {
        let error = #expect(throws: ManifestError.self) { try SessionManifest.parse(text) }
        #expect(error?.description.contains("a table header needs a name") == true, "\(String(describing: error))")
    }

    @Test func aNestedArrayOnItsOwnLineIsNotAHeader() {
        #expect(SessionManifest.badTableHeaderLine("x = [\n[\n1]]\n") == nil)
        #expect(SessionManifest.badTableHeaderLine("[dpo]\nbeta = 0.1\n[\"quoted\"]\n[[list]]\n") == nil)
    }
}
