import Foundation
import LLM

/// The generate stage (COLLATE.md section 3, step 1): every provider writes one rationale per
/// prompt from P_IR(I) with the manifest's decoding (`eval_strategy` on validation and test),
/// stopping at EOS or max_new_tokens; on training prompts, [loop] rationales_per_provider > 1
/// (or the single-provider ablation) adds further sampled candidates to pair among.
/// Resumable: a prompt whose rationales are all stored for (iteration, provider) is skipped,
/// and each prompt's new rows are written in one transaction, so a rerun after a kill
/// continues where the last committed prompt left off and never duplicates a row.
public enum GenerateStage {
    public struct Options: Sendable, Equatable {
        public var iteration: Int
        public var split: DataSplit
        /// Only the first `limit` prompts of the split (by id).
        public var limit: Int?
        /// Which rationales to write per prompt (nil: `SessionManifest.candidates(for:)` the split).
        public var candidates: [Int]?

        public init(iteration: Int, split: DataSplit = .train, limit: Int? = nil, candidates: [Int]? = nil) {
            self.iteration = iteration
            self.split = split
            self.limit = limit
            self.candidates = candidates
        }
    }

    public struct Report: Sendable, Equatable {
        public var prompts = 0
        /// Prompts that had every rationale already.
        public var skipped = 0
        /// Rationales written by this run.
        public var generated = 0
        /// New tokens decoded by this run.
        public var tokens = 0
    }

    /// `onToken(promptID, provider, piece)` receives each new piece of decoded text as it is
    /// generated (beam search: once the winning beam is known). Pieces join to the stored
    /// rationale; a token that ends inside a multi-byte character is held until it completes.
    public static func run(
        session: Session, models: ProviderModels, options: Options,
        onProgress: (StageProgress) -> Void = { _ in },
        onToken: (_ promptID: Int64, _ provider: Int, _ text: String) -> Void = { _, _, _ in }
    ) throws -> Report {
        var prompts = try session.store.prompts(split: options.split)
        if let limit = options.limit { prompts = Array(prompts.prefix(max(limit, 0))) }
        var report = Report(prompts: prompts.count)
        var progress = StageProgress(stage: "generate", split: options.split, done: 0, total: prompts.count, worked: 0)
        onProgress(progress)
        let wanted = options.candidates ?? Array(session.manifest.candidates(for: options.split))
        for prompt in prompts {
            guard let promptID = prompt.id else { continue }
            let stored = Set(try session.store.generations(promptID: promptID, iteration: options.iteration).map(\.provider))
            let missing = wanted.filter { !stored.contains($0) }
            if missing.isEmpty {
                report.skipped += 1
            } else {
                let text = session.manifest.templates.render(.rationale, instruction: prompt.instruction)
                let ids = try models.model.promptTokenIDs(text, tokenizer: models.tokenizer, promptID: promptID)
                var rows: [GenerationRecord] = []
                let splitDecoding = session.manifest.decoding.forSplit(options.split)
                for provider in missing {
                    let decoding = models.decoding(candidate: provider, manifest: splitDecoding)
                    let tokens = generate(ids: ids, models: models, provider: models.provider(ofCandidate: provider),
                                          decoding: decoding,
                                          seed: samplingSeed(session.manifest.seeds.sampling, promptID: promptID,
                                                             iteration: options.iteration, provider: provider)) { piece in
                        onToken(promptID, provider, piece)
                    }
                    rows.append(GenerationRecord(
                        promptId: promptID, iteration: options.iteration, provider: provider,
                        text: models.tokenizer.decode(tokens, skipSpecialTokens: true), tokenCount: tokens.count))
                    report.tokens += tokens.count
                }
                report.generated += try session.store.saveGenerations(rows)
                progress.worked += 1
            }
            progress.done += 1
            onProgress(progress)
        }
        return report
    }

    /// Decodes one rationale; returns its tokens (the stop token excluded).
    static func generate(ids: [Int], models: ProviderModels, provider: Int, decoding: DecodingSpec, seed: UInt64,
                         onPiece: (String) -> Void) -> [Int] {
        var stream = TextStream(tokenizer: models.tokenizer)
        let result = models.model.generate(
            prompt: ids, options: GenerationOptions(maxTokens: decoding.maxNewTokens, strategy: strategy(decoding, seed: seed)),
            adapter: models.adapterName(provider: provider)
        ) { token in
            if let piece = stream.append(token) { onPiece(piece) }
            return .continue
        }
        if let rest = stream.finish() { onPiece(rest) }
        return result.tokens
    }

    /// The manifest's decoding as the model's strategy (beam scores are length-normalised,
    /// as transformers' default length_penalty 1 does).
    public static func strategy(_ decoding: DecodingSpec, seed: UInt64) -> LLM.DecodingStrategy {
        switch decoding.strategy {
        case .greedy: .greedy
        case .beam: .beam(width: decoding.beams, lengthNormalized: true)
        case .sample: .sample(temperature: Float(decoding.temperature), topK: decoding.topK,
                              topP: Float(decoding.topP), seed: seed)
        }
    }

    /// A sampling seed per (prompt, iteration, provider) derived from the manifest's seed, so a
    /// resumed run draws exactly what an uninterrupted one would.
    public static func samplingSeed(_ seed: UInt64, promptID: Int64, iteration: Int, provider: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed, keys: [UInt64(bitPattern: promptID), UInt64(iteration), UInt64(provider)])
        return generator.next()
    }
}

/// Turns a stream of token ids into text pieces whose concatenation is the decoded text:
/// a piece is released only when the decoding so far does not end in a partial character.
struct TextStream {
    let tokenizer: Tokenizer
    var tokens: [Int] = []
    var emittedScalars = 0

    init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    mutating func append(_ token: Int) -> String? {
        tokens.append(token)
        let text = tokenizer.decode(tokens, skipSpecialTokens: true)
        let scalars = Array(text.unicodeScalars)
        guard scalars.last != "\u{FFFD}", scalars.count > emittedScalars else { return nil }
        var piece = String.UnicodeScalarView()
        piece.append(contentsOf: scalars[emittedScalars...])
        emittedScalars = scalars.count
        return String(piece)
    }

    /// Whatever was held back (a rationale that ends in an invalid byte sequence).
    mutating func finish() -> String? {
        let scalars = Array(tokenizer.decode(tokens, skipSpecialTokens: true).unicodeScalars)
        guard scalars.count > emittedScalars else { return nil }
        var piece = String.UnicodeScalarView()
        piece.append(contentsOf: scalars[emittedScalars...])
        emittedScalars = scalars.count
        return String(piece)
    }
}
