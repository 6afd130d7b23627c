import Testing
@testable import Collate

@Suite struct ManifestTests {
    static let full = """
    # a full manifest, every value away from its default
    model = "models/tiny"

    [data]
    format = "jsonl"
    train = "data/train.jsonl"
    test = "/abs/test.jsonl"

    [data.fields]
    instruction = "q"
    answer = "a"
    rationale = "why"
    options = "choices"

    [splits]
    seed = 7
    validation_fraction = 0.2
    test_fraction = 0

    [providers]
    count = 3

    [templates]
    answer = "Q: {instruction}\\nA:"
    rationale = '''
    Q: {instruction}
    Think:
    '''
    answer_with_rationale = "Q: {instruction}\\n{rationale}\\nA:"

    [decoding]
    strategy = "beam"
    eval_strategy = "greedy"
    temperature = 1
    top_p = 0.95
    top_k = 40
    beams = 4
    max_new_tokens = 128

    [mift]
    learning_rate = 1e-3
    epochs = 3
    max_steps = 20
    batch_size = 8
    checkpoint_every = 10

    [dpo]
    beta = 0.25
    loss = "ipo"
    sft_weight = 0.5
    learning_rate = 2e-5
    epochs = 2
    batch_size = 2
    checkpoint_every = 5

    [lora]
    rank = 16
    alpha = 32
    dropout = 0.05
    targets = ["q", "k", "v", "o", "gate", "up", "down"]

    [loop]
    iterations = 3

    [seeds]
    training = 11
    sampling = 12
    pairs = 13

    [ablations]
    single_provider = true
    random_pairs = true
    no_filter = true
    no_provider_distinction = true
    """

    @Test func readsAFullManifest() throws {
        let m = try SessionManifest.parse(Self.full)
        #expect(m.model == "models/tiny")
        #expect(m.data == TaskDataSpec(format: .jsonl, train: "data/train.jsonl", test: "/abs/test.jsonl",
                                       fields: FieldMapping(instruction: "q", answer: "a", rationale: "why", options: "choices")))
        #expect(m.splits.seed == 7 && m.splits.validationFraction == 0.2 && m.splits.validationSize == nil)
        #expect(m.splits.testFraction == 0)
        #expect(m.providerCount == 3 && m.effectiveProviderCount == 1)
        #expect(m.templates.answer == "Q: {instruction}\nA:")
        #expect(m.templates.rationale == "Q: {instruction}\nThink:\n")
        #expect(m.templates.render(.answerWithRationale, instruction: "2+2?", rationale: "two and two")
                == "Q: 2+2?\ntwo and two\nA:")
        #expect(m.decoding.strategy == .beam && m.decoding.temperature == 1 && m.decoding.topP == 0.95)
        #expect(m.decoding.evalStrategy == .greedy && m.decoding.forSplit(.test).strategy == .greedy)
        #expect(m.decoding.forSplit(.validation).strategy == .greedy && m.decoding.forSplit(.train).strategy == .beam)
        #expect(m.decoding.topK == 40 && m.decoding.beams == 4 && m.decoding.maxNewTokens == 128)
        #expect(m.mift == TrainingSpec(learningRate: 1e-3, epochs: 3, maxSteps: 20, batchSize: 8, checkpointEvery: 10))
        #expect(m.dpo.beta == 0.25 && m.dpo.loss == .ipo && m.dpo.sftWeight == 0.5)
        #expect(m.dpo.training == TrainingSpec(learningRate: 2e-5, epochs: 2, maxSteps: nil, batchSize: 2, checkpointEvery: 5))
        #expect(m.lora.rank == 16 && m.lora.alpha == 32 && m.lora.dropout == 0.05)
        #expect(m.lora.targets == LoRATarget.allCases)
        #expect(m.iterations == 3)
        #expect(m.seeds.training == 11 && m.seeds.sampling == 12 && m.seeds.pairs == 13)
        #expect(m.ablations.singleProvider && m.ablations.randomPairs && m.ablations.noFilter
                && m.ablations.noProviderDistinction)
    }

    @Test func minimalManifestTakesTheDefaults() throws {
        let m = try SessionManifest.parse("[data]\ntrain = \"train.jsonl\"\n")
        #expect(m == SessionManifest(data: TaskDataSpec(format: .gsm8k, train: "train.jsonl")))
        #expect(m.splits.testFraction == 0.1)
        #expect(m.dpo.beta == 0.1 && m.dpo.loss == .sigmoid && m.dpo.sftWeight == 0 && m.iterations == 2 && m.providerCount == 2)
        // Training rationales sampled (greedy providers from one model write the same text and
        // every pair ties), validation and test greedy.
        #expect(m.decoding.strategy == .sample && m.splits.validationSize == 500 && m.lora.targets == [.q, .v])
        #expect(m.decoding.evalStrategy == .greedy && m.decoding.forSplit(.test).strategy == .greedy
                && m.decoding.forSplit(.train) == m.decoding)
    }

    /// A manifest that names its strategy alone (as `collate init` wrote them before the sampled
    /// default) decodes every split that way, as it did.
    @Test func aStrategyAloneAppliesToEverySplit() throws {
        for strategy in DecodingStrategy.allCases {
            let m = try SessionManifest.parse("[data]\ntrain = \"t.jsonl\"\n[decoding]\nstrategy = \"\(strategy.rawValue)\"\n")
            #expect(m.decoding.strategy == strategy && m.decoding.evalStrategy == nil)
            #expect(m.decoding.forSplit(.test).strategy == strategy)
        }
        let both = try SessionManifest.parse("[data]\ntrain = \"t.jsonl\"\n[decoding]\nstrategy = \"beam\"\neval_strategy = \"sample\"\n")
        #expect(both.decoding.strategy == .beam && both.decoding.forSplit(.validation).strategy == .sample)
    }

    @Test(arguments: [
        TaskDataSpec(format: .gsm8k, train: "../data/gsm8k/train.jsonl", test: "../data/gsm8k/test.jsonl"),
        TaskDataSpec(format: .gsm8k, train: "train \"quoted\".jsonl"),
        TaskDataSpec(format: .jsonl, train: "t.jsonl", fields: FieldMapping(instruction: "q", answer: "a")),
        TaskDataSpec(format: .jsonl, train: "t.jsonl", test: "u.jsonl",
                     fields: FieldMapping(instruction: "q", answer: "a", rationale: "r", options: "o")),
    ])
    func defaultTextParsesToTheDefaults(data: TaskDataSpec) throws {
        let parsed = try SessionManifest.parse(SessionManifest.defaultText(data: data))
        #expect(parsed == SessionManifest(data: data))
        #expect(parsed.splits.testFraction == (data.test == nil ? 0.1 : 0))
    }

    // MARK: errors, one test per kind

    func error(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ManifestError? {
        do {
            _ = try SessionManifest.parse(text, file: "s.toml")
            Issue.record("expected a manifest error", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test func syntaxErrorNamesTheLine() throws {
        let e = try #require(error("[data]\ntrain = \"x\"\nbeta = = 3\n"))
        guard case .syntax = e.kind else { Issue.record("\(e)"); return }
        #expect(e.line == 3)
        #expect(e.description.hasPrefix("s.toml:3: invalid TOML"))
    }

    @Test func unknownKeyAtTheRoot() throws {
        let e = try #require(error("modle = \"m\"\n[data]\ntrain = \"x\"\n"))
        #expect(e == ManifestError(file: "s.toml", keyPath: "modle", line: 1, kind: .unknownKey))
        #expect(e.description == "s.toml:1: unknown key 'modle'")
    }

    @Test func unknownKeyInASectionIsReportedInFileOrder() throws {
        let text = "[data]\ntrain = \"x\"\n\n[dpo]\nbeta = 0.2\nzeta = 1\nbetta = 0.1\n"
        let e = try #require(error(text))
        #expect(e == ManifestError(file: "s.toml", keyPath: "dpo.zeta", line: 6, kind: .unknownKey))
    }

    @Test func unknownKeyWrittenAsADottedKey() throws {
        let e = try #require(error("data.train = \"x\"\ndecoding.top_q = 0.5\n"))
        #expect(e.keyPath == "decoding.top_q" && e.line == 2 && e.kind == .unknownKey)
    }

    @Test func unknownKeyInAnInlineTableFallsBackToItsLine() throws {
        let e = try #require(error("[data]\nformat = \"jsonl\"\ntrain = \"x\"\nfields = { instruction = \"q\", answer = \"a\", extra = 1 }\n"))
        #expect(e.keyPath == "data.fields.extra" && e.line == 4 && e.kind == .unknownKey)
    }

    @Test func unknownSection() throws {
        let e = try #require(error("[data]\ntrain = \"x\"\n[dpo_settings]\nbeta = 1\n"))
        #expect(e.keyPath == "dpo_settings" && e.line == 3 && e.kind == .unknownKey)
    }

    @Test func wrongTypeNamesExpectedAndFound() throws {
        let e = try #require(error("[data]\ntrain = \"x\"\n[dpo]\nbeta = \"0.1\"\n"))
        #expect(e == ManifestError(file: "s.toml", keyPath: "dpo.beta", line: 4,
                                   kind: .wrongType(expected: "a number", found: "a string")))
        #expect(e.description == "s.toml:4: 'dpo.beta' must be a number, found a string")
        let list = try #require(error("[data]\ntrain = \"x\"\n[lora]\ntargets = [\"q\", 3]\n"))
        #expect(list.kind == .wrongType(expected: "a list of strings", found: "an integer") && list.line == 4)
        let section = try #require(error("dpo = 3\n[data]\ntrain = \"x\"\n"))
        #expect(section.kind == .wrongType(expected: "a table", found: "an integer") && section.line == 1)
        let int = try #require(error("[data]\ntrain = \"x\"\n[providers]\ncount = 2.5\n"))
        #expect(int.kind == .wrongType(expected: "an integer", found: "a number") && int.keyPath == "providers.count")
        let bool = try #require(error("[data]\ntrain = \"x\"\n[ablations]\nno_filter = \"yes\"\n"))
        #expect(bool.kind == .wrongType(expected: "true or false", found: "a string") && bool.line == 4)
    }

    @Test(arguments: [
        ("[providers]\ncount = 9\n", "providers.count", 7),
        ("[dpo]\nbeta = 0\n", "dpo.beta", 7),
        ("[dpo]\nloss = \"kto\"\n", "dpo.loss", 7),
        ("[dpo]\nsft_weight = -1\n", "dpo.sft_weight", 7),
        ("[decoding]\nstrategy = \"nucleus\"\n", "decoding.strategy", 7),
        ("[decoding]\ntop_p = 1.5\n", "decoding.top_p", 7),
        ("[lora]\ntargets = [\"q\", \"lm_head\"]\n", "lora.targets", 7),
        ("[lora]\ntargets = [\"q\", \"q\"]\n", "lora.targets", 7),
        ("[lora]\ntargets = []\n", "lora.targets", 7),
        ("[templates]\nrationale = \"{question}\"\n", "templates.rationale", 7),
        ("[templates]\nanswer_with_rationale = \"{instruction}\"\n", "templates.answer_with_rationale", 7),
        ("[templates]\nanswer = \"{instruction} {rationale}\"\n", "templates.answer", 7),
        ("[splits]\nvalidation_size = 5\nvalidation_fraction = 0.1\n", "splits.validation_fraction", 8),
        ("[splits]\ntest_fraction = 1.0\n", "splits.test_fraction", 7),
        ("[seeds]\ntraining = -1\n", "seeds.training", 7),
        ("[loop]\niterations = 0\n", "loop.iterations", 7),
        ("[loop]\nrationales_per_provider = 0\n", "loop.rationales_per_provider", 7),
        ("[loop]\nprovider_pairs = \"every\"\n", "loop.provider_pairs", 7),
        ("[loop]\nrationales_per_provider = 9\n", "loop.rationales_per_provider", 7),
        ("[providers]\ncount = 3\n[loop]\nrationales_per_provider = 3\n", "loop.rationales_per_provider", 9),
        ("[ablations]\nsingle_provider = true\n[loop]\nrationales_per_provider = 5\n", "loop.rationales_per_provider", 9),
    ])
    func invalidValues(section: String, keyPath: String, line: Int) throws {
        let text = "model = \"m\"\n\n[data]\ntrain = \"x\"\n\n" + section
        let e = try #require(error(text))
        guard case .invalidValue = e.kind else { Issue.record("\(e)"); return }
        #expect(e.keyPath == keyPath)
        #expect(e.line == line)
    }

    @Test func missingKeys() throws {
        let train = try #require(error("model = \"m\"\n"))
        #expect(train == ManifestError(file: "s.toml", keyPath: "data.train", line: nil, kind: .missingKey))
        let fields = try #require(error("[data]\nformat = \"jsonl\"\ntrain = \"x\"\n"))
        #expect(fields.keyPath == "data.fields" && fields.kind == .missingKey && fields.line == 1)
        let answer = try #require(error("[data]\nformat = \"jsonl\"\ntrain = \"x\"\n[data.fields]\ninstruction = \"q\"\n"))
        #expect(answer.keyPath == "data.fields.answer" && answer.kind == .missingKey && answer.line == 4)
    }

    @Test func fieldsAreOnlyForJSONL() throws {
        let e = try #require(error("[data]\ntrain = \"x\"\n[data.fields]\ninstruction = \"q\"\nanswer = \"a\"\n"))
        #expect(e.keyPath == "data.fields" && e.line == 3)
        guard case .invalidValue = e.kind else { Issue.record("\(e)"); return }
    }

    @Test func keyLinesSkipMultilineStrings() {
        let text = "[templates]\nrationale = \"\"\"\nbeta = 1\n\"\"\"\n[dpo]\n  \"beta\" = 2\n"
        let locator = KeyLineLocator(text: text)
        #expect(locator.line(of: "templates.rationale") == 2)
        #expect(locator.line(of: "templates.beta") == 1)
        #expect(locator.line(of: "dpo.beta") == 6)
        #expect(locator.line(of: "nothing") == nil)
    }
}

@Suite struct PromptTemplateTests {
    @Test func renderSubstitutesOncePerPlaceholder() {
        let templates = PromptTemplates()
        #expect(templates.render(.rationale, instruction: "What is 2+2?") == "Question: What is 2+2?\nReasoning:\n")
        // A placeholder inside the instruction stays text; unknown braces stay as written.
        var custom = PromptTemplates()
        custom.answerWithRationale = "{instruction} | {rationale} | {x} | {"
        #expect(custom.render(.answerWithRationale, instruction: "say {rationale}", rationale: "R")
                == "say {rationale} | R | {x} | {")
        #expect(PromptTemplates.placeholders(in: "{a}{b} {") == ["a", "b"])
    }
}
