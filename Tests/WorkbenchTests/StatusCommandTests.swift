import Foundation
import Testing

/// `collate status` on a fresh session: before MIFT it does not call the base model M_IFT.
@Suite struct StatusCommandTests {
    @Test func beforeMIFTStatusSaysTheStagesUseTheManifestsModel() throws {
        guard FileManager.default.isExecutableFile(atPath: EndToEndTests.binary) else {
            throw Tmux.Failed(description: "no \(EndToEndTests.binary): build it first")
        }
        let sessions = FileManager.default.temporaryDirectory
            .appendingPathComponent("collate-status-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? FileManager.default.removeItem(at: sessions)
        defer { try? FileManager.default.removeItem(at: sessions) }
        let created = try Spawn.run(EndToEndTests.binary, ["init", "fresh", "--sessions-dir", sessions.path])
        #expect(created.status == 0, "\(created.output)")
        let status = try Spawn.run(EndToEndTests.binary, ["status", "fresh", "--sessions-dir", sessions.path])
        #expect(status.status == 0, "\(status.output)")
        let folder = sessions.appendingPathComponent("fresh").path
        #expect(status.output.contains("M_IFT: not written yet (collate mift writes \(folder)/mift); until then the stages "
                                       + "use the manifest's model, \(folder)/"), "\(status.output)")
    }
}
