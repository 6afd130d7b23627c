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
    public static func examples(count: Int, seed: UInt64 = seed, excluding excluded: Set<String>) throws -> [DemoExample] {
        var seen = excluded
        var examples: [DemoExample] = []
        examples.reserveCapacity(count)
        var index = 0
        // The question space is far larger than any count asked for; the bound only stops a
        // generator that has run dry from looping for ever.
        let attempts = 20 * count + 1000
        while examples.count < count && index < attempts {
            if let problem = DemoTaskGenerator.problem(seed: seed, index: index), seen.insert(problem.question).inserted {
                examples.append(DemoExample(instruction: problem.question, rationale: problem.rationale,
                                            answer: String(problem.answer)))
            }
            index += 1
        }
        guard examples.count == count else {
            throw DemoRecipeError("only \(examples.count) extra problems are distinct from the session's in \(index) draws, "
                + "\(count) asked for")
        }
        return examples
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
