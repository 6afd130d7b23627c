import Foundation
import TOMLKit

extension SessionManifest {
    /// The 1-based line of a table header whose name does not start like a TOML key (`[`
    /// or `[[` followed by nothing, a comment, or a character that is neither a bare-key
    /// character nor a quote), if any. TOMLKit's toml++ asserts on those and aborts the
    /// process (found by FuzzTests), so they are refused here first. A `[` opening a nested
    /// array inside a value (the previous line ends with `[` or `,`) is not a header.
    static func badTableHeaderLine(_ text: String) -> Int? {
        func startsKey(_ character: Character?) -> Bool {
            guard let character, character.isASCII else { return false }
            return character.isLetter || character.isNumber || "_-\"'".contains(character)
        }
        var previous = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") && !previous.hasSuffix("[") && !previous.hasSuffix(",") {
                let rest = line.dropFirst(line.hasPrefix("[[") ? 2 : 1).drop { $0 == " " || $0 == "\t" }
                if !startsKey(rest.first) { return index + 1 }
            }
            if !line.isEmpty && !line.hasPrefix("#") { previous = line }
        }
        return nil
    }

    /// Reads and validates `session.toml`. `file` names the manifest in error messages.
    public static func load(from url: URL) throws(ManifestError) -> SessionManifest {
        let text: String
        do {
            text = try TextFile.read(url)
        } catch {
            throw ManifestError(file: url.path, keyPath: nil, line: error.line, kind: .unreadable(error.reason))
        }
        return try parse(text, file: url.path)
    }

    public static func parse(_ text: String, file: String = "session.toml") throws(ManifestError) -> SessionManifest {
        if let line = badTableHeaderLine(text) {
            throw ManifestError(file: file, keyPath: nil, line: line,
                                kind: .syntax("a table header needs a name on its line, like [dpo]"))
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ManifestError(file: file, keyPath: nil, line: error.source.begin.line, kind: .syntax(error.description))
        } catch {
            throw ManifestError(file: file, keyPath: nil, line: nil, kind: .syntax("\(error)"))
        }
        let reader = TOMLTableReader(
            table: root, path: [], context: .init(file: file, locator: KeyLineLocator(text: text)))
        return try ManifestParser.read(reader)
    }
}

/// Maps the TOML tables onto `SessionManifest`, section by section, with the checks each
/// value needs. Every section rejects keys it does not know.
enum ManifestParser {
    static func read(_ root: TOMLTableReader) throws(ManifestError) -> SessionManifest {
        let data = try readData(root.table("data"))
        var manifest = SessionManifest(data: data)
        manifest.model = try root.string("model", default: manifest.model)
        manifest.splits = try readSplits(root.table("splits"), hasTestFile: data.test != nil)

        let providers = try root.table("providers")
        manifest.providerCount = try providers.int("count", default: manifest.providerCount, in: 1...8)
        manifest.providerStageLimit = try providers.optionalInt("max_examples", in: 1...Int.max)
        try providers.finish()

        manifest.templates = try readTemplates(root.table("templates"))
        manifest.decoding = try readDecoding(root.table("decoding"))
        let mift = try root.table("mift")
        manifest.mift = try readTraining(mift, defaults: manifest.mift, finish: false)
        manifest.miftSkipped = try mift.bool("skip", default: false)
        try mift.finish()

        let dpo = try root.table("dpo")
        manifest.dpo.beta = try dpo.double("beta", default: manifest.dpo.beta, check: positive)
        manifest.dpo.loss = try dpo.choice("loss", default: manifest.dpo.loss)
        manifest.dpo.sftWeight = try dpo.double("sft_weight", default: manifest.dpo.sftWeight, check: nonNegative)
        manifest.dpo.scheduler = try dpo.choice("lr_scheduler", default: manifest.dpo.scheduler)
        manifest.dpo.warmupRatio = try dpo.double("warmup_ratio", default: manifest.dpo.warmupRatio,
                                                  check: fractionBelowOne)
        manifest.dpo.maxGradNorm = try dpo.double("max_grad_norm", default: manifest.dpo.maxGradNorm,
                                                  check: nonNegative)
        manifest.dpo.weightDecay = try dpo.double("weight_decay", default: manifest.dpo.weightDecay,
                                                  check: nonNegative)
        manifest.dpo.training = try readTraining(dpo, defaults: manifest.dpo.training, finish: true)

        manifest.lora = try readLoRA(root.table("lora"))

        let loop = try root.table("loop")
        manifest.iterations = try loop.int("iterations", default: manifest.iterations, in: 1...1000)
        manifest.rationalesPerProvider = try loop.int("rationales_per_provider", default: manifest.rationalesPerProvider,
                                                      in: 1...SessionManifest.maxCandidates)
        manifest.providerPairs = try loop.choice("provider_pairs", default: manifest.providerPairs)
        try loop.finish()

        let seeds = try root.table("seeds")
        manifest.seeds.training = try seeds.seed("training", default: manifest.seeds.training)
        manifest.seeds.sampling = try seeds.seed("sampling", default: manifest.seeds.sampling)
        manifest.seeds.pairs = try seeds.seed("pairs", default: manifest.seeds.pairs)
        try seeds.finish()

        let ablations = try root.table("ablations")
        manifest.ablations.singleProvider = try ablations.bool("single_provider", default: false)
        manifest.ablations.randomPairs = try ablations.bool("random_pairs", default: false)
        manifest.ablations.noFilter = try ablations.bool("no_filter", default: false)
        manifest.ablations.noProviderDistinction = try ablations.bool("no_provider_distinction", default: false)
        try ablations.finish()
        guard manifest.candidateCount <= SessionManifest.maxCandidates else {
            throw loop.error("rationales_per_provider", .invalidValue(
                "gives \(manifest.candidateCount) rationales per prompt (providers x this); at most "
                    + "\(SessionManifest.maxCandidates), the columns the Compare screen can label"))
        }

        try root.finish()
        return manifest
    }

    static func readData(_ table: TOMLTableReader) throws(ManifestError) -> TaskDataSpec {
        let format: TaskDataFormat = try table.choice("format", default: .gsm8k)
        let train = try table.requiredString("train")
        let test = try table.optionalString("test")
        var fields: FieldMapping?
        if table.contains("fields") {
            let mapping = try table.table("fields")
            guard format == .jsonl else {
                throw table.error("fields", .invalidValue("is only for format \"jsonl\" (GSM8K's fields are fixed)"))
            }
            fields = FieldMapping(
                instruction: try mapping.requiredString("instruction"),
                answer: try mapping.requiredString("answer"),
                rationale: try mapping.optionalString("rationale"),
                options: try mapping.optionalString("options"))
            try mapping.finish()
        } else if format == .jsonl {
            throw table.error("fields", .missingKey)
        }
        try table.finish()
        return TaskDataSpec(format: format, train: train, test: test, fields: fields)
    }

    static func readSplits(_ table: TOMLTableReader, hasTestFile: Bool) throws(ManifestError) -> SplitSpec {
        var splits = SplitSpec()
        splits.seed = try table.seed("seed", default: splits.seed)
        let size = try table.optionalInt("validation_size", in: 0...Int.max)
        let fraction = try table.optionalDouble("validation_fraction", check: fractionBelowOne)
        if size != nil && fraction != nil {
            throw table.error("validation_fraction", .invalidValue("cannot be given together with validation_size"))
        }
        if let fraction {
            splits.validationFraction = fraction
            splits.validationSize = nil
        } else if let size {
            splits.validationSize = size
        }
        splits.testFraction = try table.double("test_fraction", default: hasTestFile ? 0 : splits.testFraction,
                                               check: fractionBelowOne)
        if hasTestFile && splits.testFraction != 0 {
            throw table.error("test_fraction", .invalidValue("must be 0 when [data] names a test file"))
        }
        try table.finish()
        return splits
    }

    static func readTemplates(_ table: TOMLTableReader) throws(ManifestError) -> PromptTemplates {
        var templates = PromptTemplates()
        for mode in PromptTemplates.Mode.allCases {
            let text = try table.string(mode.rawValue, default: templates.template(for: mode))
            let names = PromptTemplates.placeholders(in: text)
            if let unknown = names.first(where: { $0 != "instruction" && $0 != "rationale" }) {
                throw table.error(mode.rawValue, .invalidValue(
                    "has an unknown placeholder {\(unknown)} (allowed: {instruction}, {rationale})"))
            }
            for required in mode.requiredPlaceholders where !names.contains(required) {
                throw table.error(mode.rawValue, .invalidValue("must contain {\(required)}"))
            }
            if mode != .answerWithRationale && names.contains("rationale") {
                throw table.error(mode.rawValue, .invalidValue("cannot use {rationale}: this mode has none"))
            }
            switch mode {
            case .answer: templates.answer = text
            case .rationale: templates.rationale = text
            case .answerWithRationale: templates.answerWithRationale = text
            }
        }
        try table.finish()
        return templates
    }

    static func readDecoding(_ table: TOMLTableReader) throws(ManifestError) -> DecodingSpec {
        var decoding = DecodingSpec()
        decoding.strategy = try table.choice("strategy", default: decoding.strategy)
        if table.contains("eval_strategy") {
            decoding.evalStrategy = try table.choice("eval_strategy", default: decoding.strategy)
        } else if table.contains("strategy") {
            // A manifest that names its strategy alone decodes every split that way (as
            // manifests written before the sampled default did); the greedy evaluation
            // default goes with the sampled default only.
            decoding.evalStrategy = nil
        }
        decoding.temperature = try table.double("temperature", default: decoding.temperature, check: positive)
        decoding.topP = try table.double("top_p", default: decoding.topP) {
            $0 > 0 && $0 <= 1 ? nil : "must be in (0, 1], found \($0)"
        }
        decoding.topK = try table.int("top_k", default: decoding.topK, in: 0...Int.max)
        decoding.beams = try table.int("beams", default: decoding.beams, in: 1...64)
        decoding.maxNewTokens = try table.int("max_new_tokens", default: decoding.maxNewTokens, in: 1...1_000_000)
        decoding.batchSize = try table.int("batch_size", default: decoding.batchSize, in: 1...4096)
        try table.finish()
        return decoding
    }

    static func readTraining(_ table: TOMLTableReader, defaults: TrainingSpec, finish: Bool) throws(ManifestError) -> TrainingSpec {
        var spec = defaults
        spec.learningRate = try table.double("learning_rate", default: spec.learningRate, check: positive)
        spec.epochs = try table.int("epochs", default: spec.epochs, in: 1...Int.max)
        spec.maxSteps = try table.optionalInt("max_steps", in: 1...Int.max) ?? spec.maxSteps
        spec.batchSize = try table.int("batch_size", default: spec.batchSize, in: 1...Int.max)
        spec.checkpointEvery = try table.int("checkpoint_every", default: spec.checkpointEvery, in: 1...Int.max)
        if finish { try table.finish() }
        return spec
    }

    static func readLoRA(_ table: TOMLTableReader) throws(ManifestError) -> LoRASpec {
        var lora = LoRASpec()
        lora.rank = try table.int("rank", default: lora.rank, in: 1...4096)
        lora.alpha = try table.double("alpha", default: lora.alpha, check: positive)
        lora.dropout = try table.double("dropout", default: lora.dropout, check: fractionBelowOne)
        if let names = try table.optionalStringArray("targets") {
            var targets: [LoRATarget] = []
            for name in names {
                guard let target = LoRATarget(rawValue: name) else {
                    let allowed = LoRATarget.allCases.map(\.rawValue).joined(separator: ", ")
                    throw table.error("targets", .invalidValue("has \"\(name)\", allowed: \(allowed)"))
                }
                guard !targets.contains(target) else {
                    throw table.error("targets", .invalidValue("names \"\(name)\" twice"))
                }
                targets.append(target)
            }
            guard !targets.isEmpty else { throw table.error("targets", .invalidValue("must name at least one module")) }
            lora.targets = targets
        }
        try table.finish()
        return lora
    }

    static func nonNegative(_ value: Double) -> String? {
        value >= 0 ? nil : "must be 0 or more, found \(value)"
    }

    static func positive(_ value: Double) -> String? {
        value > 0 ? nil : "must be greater than 0, found \(value)"
    }

    static func fractionBelowOne(_ value: Double) -> String? {
        value >= 0 && value < 1 ? nil : "must be in [0, 1), found \(value)"
    }
}
