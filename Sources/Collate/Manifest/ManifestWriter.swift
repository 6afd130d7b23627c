extension SessionManifest {
    /// The manifest as `session.toml` text with every value written out (no comments but
    /// `header`), such that `SessionManifest.parse(text())` gives this manifest back (a test
    /// holds that). Variants of a session are written this way.
    public func text(header: [String] = []) -> String {
        let q = Self.quoted
        var lines = header.map { "# " + $0 }
        if !lines.isEmpty { lines.append("") }
        lines += ["model = \(q(model))", "", "[data]", "format = \(q(data.format.rawValue))", "train = \(q(data.train))"]
        if let test = data.test { lines.append("test = \(q(test))") }
        if let fields = data.fields {
            lines += ["", "[data.fields]", "instruction = \(q(fields.instruction))", "answer = \(q(fields.answer))"]
            if let rationale = fields.rationale { lines.append("rationale = \(q(rationale))") }
            if let options = fields.options { lines.append("options = \(q(options))") }
        }
        lines += ["", "[splits]", "seed = \(splits.seed)"]
        if let fraction = splits.validationFraction {
            lines.append("validation_fraction = \(fraction)")
        } else if let size = splits.validationSize {
            lines.append("validation_size = \(size)")
        }
        lines.append("test_fraction = \(splits.testFraction)")
        lines += ["", "[providers]", "count = \(providerCount)"]
        if let limit = providerStageLimit { lines.append("max_examples = \(limit)") }
        lines += ["", "[templates]", "answer = \(q(templates.answer))", "rationale = \(q(templates.rationale))",
                  "answer_with_rationale = \(q(templates.answerWithRationale))"]
        lines.append("chat = \(templates.chat)")
        lines += ["", "[decoding]", "strategy = \(q(decoding.strategy.rawValue))"]
        if let evalStrategy = decoding.evalStrategy { lines.append("eval_strategy = \(q(evalStrategy.rawValue))") }
        lines += ["temperature = \(decoding.temperature)",
                  "top_p = \(decoding.topP)", "top_k = \(decoding.topK)", "beams = \(decoding.beams)",
                  "max_new_tokens = \(decoding.maxNewTokens)", "batch_size = \(decoding.batchSize)"]
        lines += ["", "[mift]", "skip = \(miftSkipped)"] + Self.lines(mift)
        lines += ["", "[dpo]", "beta = \(dpo.beta)", "loss = \(q(dpo.loss.rawValue))", "sft_weight = \(dpo.sftWeight)"]
        lines += Self.lines(dpo.training)
        lines += ["lr_scheduler = \(q(dpo.scheduler.rawValue))", "warmup_ratio = \(dpo.warmupRatio)",
                  "max_grad_norm = \(dpo.maxGradNorm)", "weight_decay = \(dpo.weightDecay)"]
        lines += ["", "[lora]", "rank = \(lora.rank)", "alpha = \(lora.alpha)", "dropout = \(lora.dropout)",
                  "targets = [\(lora.targets.map { q($0.rawValue) }.joined(separator: ", "))]"]
        lines += ["", "[loop]", "iterations = \(iterations)", "rationales_per_provider = \(rationalesPerProvider)",
                  "provider_pairs = \(q(providerPairs.rawValue))"]
        lines += ["", "[seeds]", "training = \(seeds.training)", "sampling = \(seeds.sampling)", "pairs = \(seeds.pairs)"]
        lines += ["", "[ablations]", "single_provider = \(ablations.singleProvider)", "random_pairs = \(ablations.randomPairs)",
                  "no_filter = \(ablations.noFilter)", "no_provider_distinction = \(ablations.noProviderDistinction)", ""]
        return lines.joined(separator: "\n")
    }

    private static func lines(_ spec: TrainingSpec) -> [String] {
        ["learning_rate = \(spec.learningRate)", "epochs = \(spec.epochs)"]
            + (spec.maxSteps.map { ["max_steps = \($0)"] } ?? [])
            + ["batch_size = \(spec.batchSize)", "checkpoint_every = \(spec.checkpointEvery)"]
    }
}
