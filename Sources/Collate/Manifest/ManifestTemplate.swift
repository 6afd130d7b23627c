extension SessionManifest {
    /// The `session.toml` that `collate init` writes: every key with its default value and a
    /// comment saying what it means, so a person edits values instead of looking up names.
    /// Parsing it gives `SessionManifest(data:)` with all defaults (a test holds that).
    public static func defaultText(data: TaskDataSpec) -> String {
        let d = SessionManifest(data: data)
        var lines: [String] = [
            "# COLLATE session manifest. Paths are relative to this folder unless absolute.",
            "# Unknown keys are errors. The method: COLLATE.md; formats: FORMATS.md.",
            "",
            "model = \(quoted(d.model))                  # Hugging Face model directory, or a llama .gguf file",
            "",
            "[data]",
            "format = \(quoted(data.format.rawValue))            # gsm8k | jsonl",
            "train = \(quoted(data.train))",
        ]
        if let test = data.test {
            lines.append("test = \(quoted(test))")
        } else {
            lines.append("# test = \"test.jsonl\"        # without it, [splits] test_fraction of train is the test split")
        }
        if let fields = data.fields {
            lines += ["", "[data.fields]                  # JSONL field names",
                      "instruction = \(quoted(fields.instruction))",
                      "answer = \(quoted(fields.answer))"]
            lines.append(fields.rationale.map { "rationale = \(quoted($0))" } ?? "# rationale = \"rationale\"    # optional gold rationale")
            lines.append(fields.options.map { "options = \(quoted($0))" } ?? "# options = \"options\"        # optional list: multiple choice")
        }
        lines += [
            "", "[splits]",
            "seed = \(d.splits.seed)",
            "validation_size = \(d.splits.validationSize ?? 0)          # or validation_fraction = 0.1",
        ]
        if data.test == nil { lines.append("test_fraction = \(d.splits.testFraction)") }
        lines += [
            "", "[providers]", "count = \(d.providerCount)                      # S, 1..8",
            "# max_examples = 500           # providers stage: at most this many examples per provider",
            "", "[templates]                    # placeholders: {instruction}, {rationale}",
            "answer = \(quoted(d.templates.answer))                        # I -> A",
            "rationale = \(quoted(d.templates.rationale))                  # I -> R",
            "answer_with_rationale = \(quoted(d.templates.answerWithRationale))  # [I;R] -> A",
            "", "[decoding]",
            "# Training rationales sampled: greedy, S providers that start from one model write the",
            "# same text, every pair ties and the filter keeps none. Validation and test greedy, so",
            "# the reported accuracy is deterministic.",
            "strategy = \(quoted(d.decoding.strategy.rawValue))             # greedy | sample | beam",
            "eval_strategy = \(quoted(d.decoding.evalStrategy?.rawValue ?? d.decoding.strategy.rawValue))        # validation and test splits",
            "temperature = \(d.decoding.temperature)",
            "top_p = \(d.decoding.topP)",
            "top_k = \(d.decoding.topK)                      # 0 = off",
            "beams = \(d.decoding.beams)",
            "max_new_tokens = \(d.decoding.maxNewTokens)",
            "batch_size = \(d.decoding.batchSize)                 # sequences decoded at once (speed only; same results)",
            "", "[mift]                         # stage 1: LoRA on the base, merged into mift/",
            "skip = false                   # true: the model is M_IFT already (no MIFT stage)",
        ]
        lines += trainingLines(d.mift)
        lines += [
            "", "[dpo]",
            "beta = \(d.dpo.beta)",
            "loss = \(quoted(d.dpo.loss.rawValue))               # sigmoid | ipo | hinge",
        ]
        lines += trainingLines(d.dpo.training)
        lines += [
            "lr_scheduler = \(quoted(d.dpo.scheduler.rawValue))         # cosine | constant (after the warm-up)",
            "warmup_ratio = \(d.dpo.warmupRatio)",
            "max_grad_norm = \(d.dpo.maxGradNorm)              # 0 = no clipping",
            "weight_decay = \(d.dpo.weightDecay)",
            "sft_weight = \(d.dpo.sftWeight)               # > 0: plus w * NLL of the chosen rationales (RPO)",
        ]
        lines += [
            "", "[lora]",
            "rank = \(d.lora.rank)",
            "alpha = \(d.lora.alpha)",
            "dropout = \(d.lora.dropout)",
            "targets = [\(d.lora.targets.map { quoted($0.rawValue) }.joined(separator: ", "))]         # of q, k, v, o, gate, up, down",
            "", "[loop]", "iterations = \(d.iterations)                 # K",
            "rationales_per_provider = \(d.rationalesPerProvider)    # per training prompt (S x N <= 8); > 1: the others sampled, more to pair",
            "provider_pairs = \(quoted(d.providerPairs.rawValue))   # partition: each provider trains on its part's pairs | all: every provider on every pair",
            "", "[seeds]",
            "training = \(d.seeds.training)",
            "sampling = \(d.seeds.sampling)",
            "pairs = \(d.seeds.pairs)                      # provider partitions, random-pairs ablation",
            "", "[ablations]",
            "single_provider = false",
            "random_pairs = false",
            "no_filter = false",
            "no_provider_distinction = false",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    private static func trainingLines(_ spec: TrainingSpec) -> [String] {
        [
            "learning_rate = \(spec.learningRate)",
            "epochs = \(spec.epochs)",
            "# max_steps = 100              # stops after this many steps when set",
            "batch_size = \(spec.batchSize)",
            "checkpoint_every = \(spec.checkpointEvery)          # steps",
        ]
    }

    /// A TOML basic string.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
