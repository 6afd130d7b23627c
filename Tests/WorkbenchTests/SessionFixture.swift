import Collate
import Foundation

/// A real session in a temporary directory: GSM8K-format lines written here, imported
/// through the manifest, two providers' rationales and scores inserted through the store
/// API, and the pairs stage run, so the workbench has columns and auto labels to show.
struct TemporarySession {
    let root: URL
    let session: Session

    /// The train prompts' ids in store order, and what the scores make of them:
    /// the first is kept (RP1 > RP2), the second filtered (l_0 beats both), the third kept.
    var trainIDs: [Int64]

    static let trainLines = [
        #"{"question": "Natalia sold 48 clips in April and half as many in May. How many in all?", "answer": "48 / 2 = <<48/2=24>>24 in May.\n48 + 24 = <<48+24=72>>72 in all.\n#### 72"}"#,
        #"{"question": "Weng earns $12 an hour. She babysat 50 minutes. How much did she earn?", "answer": "12 / 60 = 0.2 per minute.\n0.2 * 50 = 10.\n#### 10"}"#,
        #"{"question": "Betty needs $100. She has half. Her parents give $15. How much more?", "answer": "100 / 2 = 50.\n50 - 15 = 35.\n#### 35"}"#,
        #"{"question": "James writes 3 pages to 2 friends twice a week. How many pages a year?", "answer": "3 * 2 * 2 = 12.\n12 * 52 = 624.\n#### 624"}"#,
    ]
    static let testLines = [
        #"{"question": "Mark has 10 yellow flowers and 80% more purple ones. How many purple?", "answer": "10 * 1.8 = 18.\n#### 18"}"#,
    ]

    /// Creates `sessions/NAME` under a new temporary folder; `populate` false leaves the
    /// store empty (the workbench imports it when it opens).
    /// `singleProvider`: the single-provider ablation, under which the rationales 1 and 2 are
    /// two candidates of the one provider.
    init(name: String = "demo", populate: Bool = true, singleProvider: Bool = false) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("collate-session-\(UUID().uuidString)", isDirectory: true)
        let location = try SessionLocation(name: name, sessionsDirectory: root.appendingPathComponent("sessions"))
        let dataFolder = location.folder.appendingPathComponent("data", isDirectory: true)
        try FileManager.default.createDirectory(at: dataFolder, withIntermediateDirectories: true)
        try Data((Self.trainLines.joined(separator: "\n") + "\n").utf8)
            .write(to: dataFolder.appendingPathComponent("train.jsonl"))
        try Data((Self.testLines.joined(separator: "\n") + "\n").utf8)
            .write(to: dataFolder.appendingPathComponent("test.jsonl"))
        let data = TaskDataSpec(format: .gsm8k, train: "data/train.jsonl", test: "data/test.jsonl")
        // One validation example out of four (the default 500 needs GSM8K's size).
        let manifest = SessionManifest.defaultText(data: data)
            .replacingOccurrences(of: "validation_size = 500", with: "validation_size = 1")
            .replacingOccurrences(of: "single_provider = false", with: "single_provider = \(singleProvider)")
        try Data(manifest.utf8).write(to: location.manifest)
        session = try Session.create(location, data: data).session
        trainIDs = []
        guard populate else { return }
        _ = try TaskImporter.importData(manifest: session.manifest, location: location, store: session.store,
                                        policy: .fail)
        trainIDs = try session.store.prompts(split: .train).compactMap(\.id)
        let rationales = [["Half of 48 is 24, and 48 + 24 = 72.", "48 + 48 = 96."],
                          ["50 minutes is 5/6 of an hour: 10 dollars.", "12 * 50 = 600."],
                          ["She has 50, gets 15 and 30: 5 more.", "100 - 15 = 85."]]
        // Mean answer log-probs per prompt: l_0, RP1, RP2.
        let means: [[Float]] = [[-2, -0.5, -1], [-0.05, -0.5, -1], [-3, -0.2, -2.5]]
        for (index, promptID) in trainIDs.prefix(3).enumerated() {
            try Self.score(session.store, promptID, provider: 0, generation: nil, mean: means[index][0])
            for provider in 1...2 {
                let text = rationales[index][provider - 1]
                let generation = try session.store.saveGeneration(GenerationRecord(
                    promptId: promptID, iteration: 1, provider: provider, text: text,
                    tokenCount: text.split(separator: " ").count))
                try Self.score(session.store, promptID, provider: provider, generation: generation.id,
                               mean: means[index][provider])
            }
        }
        _ = try PairsStage.run(session: session, iteration: 1)
    }

    /// Two answer tokens with mean log-prob `mean`: (1.5 mean, 0.5 mean).
    static func score(_ store: SessionStore, _ promptID: Int64, provider: Int, generation: Int64?, mean: Float) throws {
        let tokens: [Float] = [mean * 1.5, mean * 0.5]
        _ = try store.saveScore(ScoreRecord(
            promptId: promptID, iteration: 1, provider: provider, generationId: generation,
            answerScore: try AnswerScore(tokenLogprobs: tokens), tokenLogprobs: tokens))
    }

    var sessionsDirectory: URL { session.location.sessionsDirectory }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
