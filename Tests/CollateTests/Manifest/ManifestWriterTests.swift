import Foundation
import Testing
@testable import Collate
import TestSupport

@Suite struct ManifestWriterTests {
    @Test func theWrittenManifestParsesBackToTheSameValues() throws {
        let demo = try SessionManifest.load(from: Fixtures.repositoryRoot.appendingPathComponent("sessions/demo/session.toml"))
        #expect(demo.miftSkipped && demo.providerStageLimit == 400)
        #expect(try SessionManifest.parse(demo.text(header: ["a variant"])) == demo)

        var edited = SessionManifest(data: TaskDataSpec(format: .jsonl, train: "a \"b\".jsonl", fields: FieldMapping(
            instruction: "q", answer: "a", rationale: "r", options: "choices")))
        edited.splits.validationFraction = 0.25
        edited.splits.validationSize = nil
        edited.templates.answer = "Q:\t{instruction}\nA:\n"
        edited.mift.maxSteps = 12
        edited.dpo.loss = .ipo
        edited.dpo.sftWeight = 0.5
        edited.dpo.scheduler = .constant
        edited.dpo.warmupRatio = 0.2
        edited.dpo.maxGradNorm = 0
        edited.dpo.weightDecay = 0.01
        edited.decoding.strategy = .sample
        edited.decoding.evalStrategy = .beam
        edited.lora.targets = [.q, .k, .down]
        edited.seeds.pairs = 9
        edited.rationalesPerProvider = 3
        edited.providerPairs = .all
        edited.ablations.noFilter = true
        edited.providerStageLimit = 3
        #expect(try SessionManifest.parse(edited.text()) == edited)
    }

    /// The writer and `collate init`'s template are written separately; a key the template
    /// has and the writer lacks is a setting a variant silently resets to its default (four
    /// [dpo] keys once were).
    @Test func theWriterWritesEveryKeyTheTemplateHas() throws {
        let data = TaskDataSpec(format: .jsonl, train: "t.jsonl", test: "u.jsonl", fields: FieldMapping(
            instruction: "q", answer: "a", rationale: "r", options: "o"))
        func keys(_ text: String) -> Set<String> {
            var section = ""
            var found = Set<String>()
            for line in text.split(separator: "\n") {
                if line.hasPrefix("[") {
                    section = String(line.dropFirst().prefix { $0 != "]" }) + "."
                } else if let equals = line.firstIndex(of: "="), line.first?.isLetter == true {
                    found.insert(section + line[..<equals].trimmingCharacters(in: .whitespaces))
                }
            }
            return found
        }
        let template = keys(SessionManifest.defaultText(data: data))
        let written = keys(SessionManifest(data: data).text())
        #expect(template.count > 40)
        #expect(template.subtracting(written).isEmpty, "the writer lacks \(template.subtracting(written).sorted())")
    }

    @Test func aVariantIsASessionBesideItsOriginalWithTheOverridesApplied() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = try SessionLocation(name: "base", sessionsDirectory: directory.url)
        let (base, _) = try Session.create(location, data: TaskDataSpec(format: .gsm8k, train: "data/t.jsonl", test: "data/test.jsonl"))
        let overrides = SessionVariant.Overrides(seed: 3, noFilter: true)
        #expect(overrides.suggestedName == "seed3-no-filter")
        let variant = try SessionVariant.open(base: base, name: overrides.suggestedName, overrides: overrides)
        #expect(variant.location.folder == location.folder.appendingPathComponent("variants/seed3-no-filter", isDirectory: true))
        #expect(variant.location.resolve(variant.manifest.model) == location.resolve("model"))
        #expect(variant.location.resolve(variant.manifest.data.train) == location.resolve("data/t.jsonl"))
        #expect(variant.location.resolve(variant.manifest.data.test ?? "") == location.resolve("data/test.jsonl"))
        #expect(variant.manifest.seeds.pairs == 3)
        #expect(variant.manifest.seeds.training == 3 && variant.manifest.seeds.sampling == 3)
        #expect(variant.manifest.ablations.noFilter && !variant.manifest.ablations.randomPairs)
        #expect(variant.manifest.splits == base.manifest.splits)
        // Opening it again with the same options reuses it; other options are refused.
        #expect(try SessionVariant.open(base: base, name: "seed3-no-filter", overrides: overrides).manifest == variant.manifest)
        #expect(throws: SessionError.self) {
            try SessionVariant.open(base: base, name: "seed3-no-filter", overrides: SessionVariant.Overrides(seed: 4))
        }
        let more = SessionVariant.Overrides(seed: 1, rationalesPerProvider: 3)
        #expect(more.suggestedName == "seed1-3-per-provider")
        let moreVariant = try SessionVariant.open(base: base, name: more.suggestedName, overrides: more)
        #expect(moreVariant.manifest.rationalesPerProvider == 3 && moreVariant.manifest.candidateCount == 6)
        #expect(base.manifest.rationalesPerProvider == 1)
        let shared = SessionVariant.Overrides(seed: 2, allPairs: true)
        #expect(shared.suggestedName == "seed2-all-pairs")
        let sharedVariant = try SessionVariant.open(base: base, name: shared.suggestedName, overrides: shared)
        #expect(sharedVariant.manifest.providerPairs == .all && base.manifest.providerPairs == .partition)
        #expect(sharedVariant.manifest.ablations == base.manifest.ablations)
        // 2 providers x 5 rationales is more than the 8 a prompt may have: an error, and no folder.
        let tooMany = SessionVariant.Overrides(rationalesPerProvider: 5)
        let refused = #expect(throws: ManifestError.self) {
            try SessionVariant.open(base: base, name: tooMany.suggestedName, overrides: tooMany)
        }
        #expect(refused?.keyPath == "loop.rationales_per_provider" && refused?.line == nil)
        #expect(refused?.file == location.manifest.path + " with the options of variant 5-per-provider")
        #expect(!FileManager.default.fileExists(
            atPath: SessionVariant.directory(of: location).appendingPathComponent(tooMany.suggestedName).path))
    }

    /// Candidates cycle through the providers: with S = 2 and N = 3, candidates 1-6 are written
    /// by providers 1, 2, 1, 2, 1, 2; under single_provider every one is provider 1's.
    @Test func candidatesCycleThroughTheProvidersAndAreNamedByProviderAndNumber() {
        var manifest = SessionManifest(data: TaskDataSpec(format: .gsm8k, train: "t.jsonl"))
        #expect(manifest.candidateCount == 2 && manifest.providerCount == 2)
        #expect((1...2).map(manifest.candidateName) == ["RP1", "RP2"])
        manifest.rationalesPerProvider = 3
        #expect(manifest.candidateCount == 6)
        #expect((1...6).map(manifest.provider(ofCandidate:)) == [1, 2, 1, 2, 1, 2])
        #expect((1...6).map(manifest.candidateName) == ["RP1", "RP2", "RP1/2", "RP2/2", "RP1/3", "RP2/3"])
        manifest.providerCount = 3
        manifest.rationalesPerProvider = 2
        #expect((1...6).map(manifest.provider(ofCandidate:)) == [1, 2, 3, 1, 2, 3])
        #expect(manifest.candidateName(6) == "RP3/2")
        manifest.providerCount = 2
        manifest.ablations.singleProvider = true
        #expect(manifest.candidateCount == 4)
        #expect((1...4).map(manifest.provider(ofCandidate:)) == [1, 1, 1, 1])
        #expect((1...4).map(manifest.candidateName) == ["RP1", "RP1/2", "RP1/3", "RP1/4"])
    }
}
