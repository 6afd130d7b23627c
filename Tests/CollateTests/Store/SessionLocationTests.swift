import Foundation
import Testing
@testable import Collate
import TestSupport

@Suite struct SessionLocationTests {
    let cwd = URL(fileURLWithPath: "/work/repo")

    @Test func optionBeatsEnvironmentBeatsDefault() {
        let env = [SessionLocation.environmentVariable: "/tmp/elsewhere"]
        #expect(SessionLocation.sessionsDirectory(option: "mine", environment: env, currentDirectory: cwd).path
                == "/work/repo/mine")
        #expect(SessionLocation.sessionsDirectory(option: nil, environment: env, currentDirectory: cwd).path
                == "/tmp/elsewhere")
        #expect(SessionLocation.sessionsDirectory(option: nil, environment: [:], currentDirectory: cwd).path
                == "/work/repo/sessions")
        #expect(SessionLocation.sessionsDirectory(
            option: nil, environment: [SessionLocation.environmentVariable: ""], currentDirectory: cwd).path
                == "/work/repo/sessions")
    }

    @Test func layoutAndNames() throws {
        let location = try SessionLocation(name: "demo", sessionsDirectory: URL(fileURLWithPath: "/s"))
        #expect(location.manifest.path == "/s/demo/session.toml")
        #expect(location.store.path == "/s/demo/state.sqlite")
        #expect(location.resolve("model").path == "/s/demo/model")
        #expect(location.resolve("../../data/x.jsonl").path == "/data/x.jsonl")
        #expect(location.resolve("/abs/x").path == "/abs/x")
        for bad in ["", "../x", ".hidden", "a/b", "sp ace", "naïve"] {
            #expect(throws: SessionError.invalidName(bad)) { try SessionLocation(name: bad, sessionsDirectory: location.folder) }
        }
    }

    @Test func relativePathsKeepManifestsPortable() {
        #expect(Session.relativePath(of: URL(fileURLWithPath: "/work/shared/data/gsm8k/train.jsonl"),
                                     from: URL(fileURLWithPath: "/work/repo/sessions/demo"))
                == "../../../shared/data/gsm8k/train.jsonl")
        #expect(Session.relativePath(of: URL(fileURLWithPath: "/work/repo/sessions/demo/data/t.jsonl"),
                                     from: URL(fileURLWithPath: "/work/repo/sessions/demo")) == "data/t.jsonl")
        #expect(Session.relativePath(of: URL(fileURLWithPath: "/tmp/t.jsonl"),
                                     from: URL(fileURLWithPath: "/work/repo")) == "/tmp/t.jsonl")
    }

    @Test func createIsIdempotentAndKeepsAnEditedManifest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = try SessionLocation(name: "s", sessionsDirectory: directory.url)
        let data = TaskDataSpec(format: .gsm8k, train: "t.jsonl")
        let (first, created) = try Session.create(location, data: data)
        #expect(created && first.manifest == SessionManifest(data: data))
        let edited = try String(contentsOf: location.manifest, encoding: .utf8)
            .replacingOccurrences(of: "count = 2", with: "count = 3")
        try Data(edited.utf8).write(to: location.manifest)
        let (second, createdAgain) = try Session.create(location, data: data)
        #expect(!createdAgain && second.manifest.providerCount == 3)
        #expect(throws: SessionError.self) {
            try Session.open(try SessionLocation(name: "missing", sessionsDirectory: directory.url))
        }
    }
}
