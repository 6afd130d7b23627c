import Foundation
import Testing
@testable import Collate

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
        edited.ablations.noFilter = true
        edited.providerStageLimit = 3
        #expect(try SessionManifest.parse(edited.text()) == edited)
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
    }
}
