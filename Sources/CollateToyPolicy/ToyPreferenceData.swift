import Collate
import Foundation
import GRDB

/// Preference pairs for the toy policy, stored as a session would hold them (training prompts
/// with human labels, so the reference log-probs have labels to hang on). The chosen side
/// repeats "ab", the rejected side "cd" (distinct tokens in the toy vocabulary): easy for a
/// bigram model to learn to prefer.
public enum ToyPreferenceData {
    /// `count` pairs in `store`, iteration `iteration`: prompts and labels are created on the
    /// first call and found again on later ones (the harness restarts after a kill).
    public static func pairs(in store: SessionStore, count: Int, iteration: Int = 1) throws -> [PreferencePair] {
        var pairs: [PreferencePair] = []
        for line in 1...count {
            let instruction = "q\(line): \(line) + \(line % 3)?"
            let promptID = try store.write { db -> Int64 in
                if let existing = try PromptRecord
                    .filter(Column("sourceFile") == "toy.jsonl" && Column("sourceLine") == line).fetchOne(db),
                   let id = existing.id {
                    return id
                }
                var prompt = PromptRecord(split: .train, instruction: instruction, goldRationale: nil,
                                          goldAnswer: "\(line + line % 3)", options: nil, sourceFile: "toy.jsonl",
                                          sourceLine: line, sourceHash: "toy-\(line)")
                try prompt.insert(db)
                return prompt.id ?? 0
            }
            let write = try store.writeHumanLabel(promptID: promptID, iteration: iteration,
                                                  request: .pair(chosen: 1, rejected: 2), note: nil, providerCount: 2)
            guard let labelID = write.label.id else { throw StoreError.corrupt("label without id") }
            pairs.append(PreferencePair(
                id: labelID, promptID: promptID, prompt: instruction,
                chosen: String(repeating: "ab", count: 2 + line % 4) + " = \(line)",
                rejected: String(repeating: "cd", count: 2 + line % 3) + " = \(line + 1)"))
        }
        return pairs
    }
}
