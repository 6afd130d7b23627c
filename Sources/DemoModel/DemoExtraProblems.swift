import Collate
import Foundation

/// More problems of the demo task for the recipe, beyond the session's training split.
///
/// The session's own training split (3500 problems) is what the COLLATE loop runs over; it is
/// far too few for a model trained from scratch to learn arithmetic from: most sums and
/// products of the test problems never occur in it, and the model memorised instead of
/// learning to add. So the recipe also draws fresh problems from the same generator with
/// another seed, leaving out every question of the session's data files (training,
/// validation and test alike). Like a real user's base model, the demo model has then seen
/// more of the task's kind than the session holds, and never a validation or test problem.
public enum DemoExtraProblems {
    /// The generator seed of the extra problems: any seed but the session data's (0) would do.
    public static let seed: UInt64 = 1

    /// `count` distinct problems of generator `seed` whose questions are not in `excluded`.
    public static func examples(count: Int, seed: UInt64 = seed, rationales: GoldRationales = .everyStep,
                                excluding excluded: Set<String>) throws -> [DemoExample] {
        let problems: [DemoProblem]
        do {
            problems = try DemoTaskGenerator.distinctProblems(count: count, seed: seed, excluding: excluded,
                                                              rationales: rationales)
        } catch {
            throw DemoRecipeError("extra problems: \(error) (none may be a question of the session's files)")
        }
        return problems.map { DemoExample(instruction: $0.question, rationale: $0.rationale, answer: String($0.answer)) }
    }

    /// Every question of the session's data files (train.jsonl, with its validation slice,
    /// and test.jsonl).
    public static func sessionQuestions(manifest: SessionManifest, sessionFolder: URL) throws -> Set<String> {
        var questions = Set<String>()
        for path in [manifest.data.train] + (manifest.data.test.map { [$0] } ?? []) {
            let read = try TaskFileReader.read(url: sessionFolder.appendingPathComponent(path), displayName: path,
                                               format: manifest.data.format, fields: manifest.data.fields)
            if let bad = read.bad.first { throw DemoRecipeError("\(bad)") }
            questions.formUnion(read.examples.map(\.instruction))
        }
        return questions
    }
}
