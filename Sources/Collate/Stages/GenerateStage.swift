import Foundation
import LLM
import TensorCore

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
        /// Sequences decoded together (nil: `[decoding] batch_size`). The rationales do not
        /// depend on it (batched decoding is batch-invariant), only the speed does.
        public var batchSize: Int?

        public init(iteration: Int, split: DataSplit = .train, limit: Int? = nil, candidates: [Int]? = nil,
                    batchSize: Int? = nil) {
            self.iteration = iteration
            self.split = split
            self.limit = limit
            self.candidates = candidates
            self.batchSize = batchSize
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
    /// `shouldStop` is asked at every decoding step: once it answers true, the rows in flight
    /// end at once, unsaved, and the stage throws `StageError.cancelled` (every prompt saved
    /// before stays; a rerun continues after them).
    public static func run(
        session: Session, models: ProviderModels, options: Options,
        onProgress: (StageProgress) -> Void = { _ in },
        shouldStop: () -> Bool = { false },
        onToken: (_ promptID: Int64, _ provider: Int, _ text: String) -> Void = { _, _, _ in }
    ) throws -> Report {
        var prompts = try session.store.prompts(split: options.split)
        if let limit = options.limit { prompts = Array(prompts.prefix(max(limit, 0))) }
        var report = Report(prompts: prompts.count)
        var progress = StageProgress(stage: "generate", split: options.split, done: 0, total: prompts.count, worked: 0)
        onProgress(progress)
        let wanted = options.candidates ?? Array(session.manifest.candidates(for: options.split))
        let batchSize = max(1, options.batchSize ?? session.manifest.decoding.batchSize)
        let splitDecoding = session.manifest.decoding.forSplit(options.split)
        var next = 0
        while next < prompts.count {
            if shouldStop() { throw StageError.cancelled(stage: "generate", done: progress.done, total: progress.total) }
            // A chunk of prompts whose missing rationales fill the batch a few times over, so
            // a finished row is refilled from the chunk at once (continuous batching).
            var chunk: [(promptID: Int64, missing: [Int])] = []
            var jobs: [RationaleJob] = []
            while next < prompts.count && (jobs.count < 4 * batchSize || chunk.isEmpty) {
                let prompt = prompts[next]
                next += 1
                guard let promptID = prompt.id else { continue }
                let stored = Set(try session.store.generations(promptID: promptID, iteration: options.iteration).map(\.provider))
                let missing = wanted.filter { !stored.contains($0) }
                if missing.isEmpty {
                    report.skipped += 1
                    progress.done += 1
                    onProgress(progress)
                    continue
                }
                let text = session.manifest.templates.render(.rationale, instruction: prompt.instruction)
                let ids = try models.model.promptTokenIDs(text, tokenizer: models.tokenizer, promptID: promptID)
                for candidate in missing {
                    jobs.append(RationaleJob(
                        tag: chunk.count, candidate: candidate, ids: ids, provider: models.provider(ofCandidate: candidate),
                        decoding: models.decoding(candidate: candidate, manifest: splitDecoding),
                        seed: samplingSeed(session.manifest.seeds.sampling, promptID: promptID,
                                           iteration: options.iteration, provider: candidate)))
                }
                chunk.append((promptID, missing))
            }
            if jobs.isEmpty { continue }
            // A prompt's rows are written, in one transaction, the moment its last one is done.
            var done = [[Int: [Int]]](repeating: [:], count: chunk.count)
            let finished = try generate(jobs, models: models, batchSize: batchSize, shouldStop: shouldStop, onPiece: { job, piece in
                // As the store keeps it: the streamed column equals the saved rationale.
                onToken(chunk[job.tag].promptID, job.candidate, StoredText.modelOutput(piece))
            }, onDone: { job, tokens in
                done[job.tag][job.candidate] = tokens
                let entry = chunk[job.tag]
                guard done[job.tag].count == entry.missing.count else { return }
                let rows = entry.missing.map { candidate in
                    let tokens = done[job.tag][candidate] ?? []
                    return GenerationRecord(promptId: entry.promptID, iteration: options.iteration, provider: candidate,
                                            text: models.tokenizer.decode(tokens, skipSpecialTokens: true),
                                            tokenCount: tokens.count)
                }
                report.tokens += rows.reduce(0) { $0 + $1.tokenCount }
                report.generated += try session.store.saveGenerations(rows)
                progress.worked += 1
                progress.done += 1
                progress.saved = [entry.promptID]
                onProgress(progress)
                progress.saved = []
            })
            if !finished { throw StageError.cancelled(stage: "generate", done: progress.done, total: progress.total) }
        }
        return report
    }

    /// One rationale to write: the prompt's tokens, who writes it and how. `tag` and
    /// `candidate` are the caller's, handed back with the result.
    struct RationaleJob {
        var tag: Int
        var candidate: Int
        var ids: [Int]
        var provider: Int
        var decoding: DecodingSpec
        var seed: UInt64
    }

    /// Decodes `jobs` in batches of `batchSize` sequences (every provider's adapter in the
    /// same batch, each job's own decoding and seed), streaming each one's text pieces to
    /// `onPiece` and handing its tokens (the stop token excluded) to `onDone` the moment it
    /// is finished. Each job's tokens equal decoding it alone (batch-invariant kernels). An
    /// error thrown by `onDone` stops every job and is rethrown. Once `shouldStop` answers
    /// true every row still decoding ends unfinished and is not handed on; returns false then.
    @discardableResult
    static func generate(_ jobs: [RationaleJob], models: ProviderModels, batchSize: Int,
                         shouldStop: () -> Bool = { false },
                         onPiece: (RationaleJob, String) -> Void,
                         onDone: (RationaleJob, [Int]) throws -> Void) throws -> Bool {
        var streams = jobs.map { _ in TextStream(tokenizer: models.tokenizer) }
        var failure: (any Error)? = nil
        var cancelled = false
        let requests = jobs.map { job in
            GenerationRequest(prompt: job.ids,
                              options: GenerationOptions(maxTokens: job.decoding.maxNewTokens,
                                                         strategy: strategy(job.decoding, seed: job.seed)),
                              adapter: models.adapterName(provider: job.provider))
        }
        _ = models.model.generate(batch: requests, batchSize: batchSize, onToken: { index, token in
            if failure != nil || cancelled { return .stop }
            if shouldStop() {
                cancelled = true
                return .stop
            }
            if let piece = streams[index].append(token) { onPiece(jobs[index], piece) }
            return .continue
        }, onFinish: { index, result in
            // A row cut short by the stop is not a rationale.
            guard failure == nil, !(cancelled && result.finishReason == .stopped) else { return }
            if let rest = streams[index].finish() { onPiece(jobs[index], rest) }
            do { try onDone(jobs[index], result.tokens) } catch { failure = error }
        })
        if let failure { throw failure }
        return !cancelled
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

/// Turns a stream of token ids into text pieces whose concatenation is the decoded text
/// (`tokenizer.decode(tokens, skipSpecialTokens: true)`), in time linear in the tokens: each
/// token's bytes are appended to the few bytes held back, and everything up to a trailing
/// incomplete UTF-8 character is released. (Decoding the bytes before a lead byte and the
/// rest apart gives what decoding them together gives: a lead byte always starts a new
/// character or replacement, so the pieces join to the full decoding.)
struct TextStream {
    let tokenizer: Tokenizer
    private let addedByID: [Int: AddedToken]
    /// Bytes of a character not yet complete.
    private var held: [UInt8] = []

    init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
        addedByID = Dictionary(tokenizer.addedTokens.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func append(_ token: Int) -> String? {
        held += bytes(of: token)
        let complete = Self.completePrefix(held)
        guard complete > 0 else { return nil }
        let piece = String(decoding: held[..<complete], as: UTF8.self)
        held.removeFirst(complete)
        return piece
    }

    /// Whatever was held back (a rationale that ends inside a multi-byte character).
    mutating func finish() -> String? {
        guard !held.isEmpty else { return nil }
        defer { held = [] }
        return String(decoding: held, as: UTF8.self)
    }

    /// The token's bytes as `Tokenizer.decode` joins them (special tokens skipped).
    private func bytes(of id: Int) -> [UInt8] {
        let token: String
        if let added = addedByID[id] {
            if added.special { return [] }
            token = added.content
        } else if let modelToken = tokenizer.model.token(for: id) {
            token = modelToken
        } else {
            return []
        }
        return ByteLevelAlphabet.decode(token) ?? Array(token.utf8)
    }

    /// How many leading bytes of `bytes` end before a trailing incomplete (but so far valid)
    /// UTF-8 sequence; all of them when there is none.
    static func completePrefix(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // The last lead byte among the final three bytes, if it starts a longer sequence.
        var i = n - 1
        while i >= 0 && i >= n - 3 {
            let byte = bytes[i]
            if byte & 0xC0 != 0x80 {
                let length = byte >= 0xF0 && byte <= 0xF4 ? 4 : byte >= 0xE0 && byte < 0xF0 ? 3 : byte >= 0xC2 && byte < 0xE0 ? 2 : 1
                return length > n - i ? i : n
            }
            i -= 1
        }
        return n
    }
}
