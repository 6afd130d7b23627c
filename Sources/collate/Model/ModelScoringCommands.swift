import ArgumentParser
import Foundation
import LLM

struct ModelLogprobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprobs",
        abstract: "Per-token log-probs: of a text (entry t is log p(id_t | ids before it), entry 0 null), or of a completion given a prompt (FORMATS.md token rule).")
    @OptionGroup var model: ModelOptions
    @Option(help: "A text to score token by token.") var text: String?
    @Option(help: "A prompt (with --completion).") var prompt: String?
    @Option(help: "A completion scored given --prompt; EOS is appended.") var completion: String?
    @Flag(help: "Add BOS when the tokenizer's post-processor adds one (--text only).") var bos = false
    @OptionGroup var chat: ChatOptions
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (text != nil) != (prompt != nil || completion != nil), (prompt == nil) == (completion == nil) else {
            throw ValidationError("give either --text, or --prompt with --completion")
        }
    }

    func run() throws {
        let (opened, llama, adapter) = try model.load()
        let ids: [Int], logProbs: [Float?], sum: Double
        if let text {
            ids = opened.tokenizer.encode(try chat.apply(to: text, opened, bos: bos), addSpecialTokens: bos)
            guard !ids.isEmpty else { throw ValidationError("--text encodes to no tokens") }
            try llama.checkRunnable(ids, directory: model.directory)
            let scored = llama.sequenceLogProbs([ids], adapter: adapter)[0]
            logProbs = [nil] + scored
            sum = scored.reduce(0) { $0 + Double($1) }
        } else {
            let prompt = try chat.apply(to: prompt ?? "", opened, bos: false)
            let split = try llama.completionTokenIDs(prompt: prompt, completion: completion ?? "", tokenizer: opened.tokenizer)
            guard !split.prompt.isEmpty else { throw ValidationError("--prompt encodes to no tokens: nothing to condition the completion on") }
            try llama.checkRunnable(split.prompt + split.completion, directory: model.directory)
            let score = try llama.scoreCompletions([(prompt: prompt, completion: completion ?? "")],
                                                   tokenizer: opened.tokenizer, adapter: adapter)[0]
            ids = score.promptTokens + score.completionTokens
            logProbs = Array(repeating: nil, count: score.promptTokens.count) + score.tokenLogProbs
            sum = score.sum
        }
        if json {
            print(JSONOut.object([("ids", JSONOut.ints(ids)), ("logprobs", JSONOut.floats(logProbs)), ("sum", .double(sum))]))
        } else {
            for (id, value) in zip(ids, logProbs) {
                print("\(id)\t\(value.map { String($0) } ?? "-")\t\(opened.tokenizer.decode([id]).debugDescription)")
            }
            print("sum\t\(sum)")
        }
    }
}

struct ModelGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt (greedy unless sampling or beams are asked for); the text goes to stdout as it is written.")
    @OptionGroup var model: ModelOptions
    @Option(help: "The prompt, used as given.") var prompt: String
    @Option(name: .customLong("max-tokens"), help: "Most new tokens.") var maxTokens: Int = 64
    // .unconditional: `--temperature -1` is the value -1 (refused by validate), not a missing value.
    @Option(parsing: .unconditional, help: "Sampling temperature (0: greedy).") var temperature: Float?
    @Option(name: .customLong("top-p"), parsing: .unconditional, help: "Nucleus sampling mass, in (0, 1].") var topP: Float = 1
    @Option(name: .customLong("top-k"), parsing: .unconditional, help: "Keep the k most likely tokens (0: all).") var topK: Int = 0
    @Option(help: "Sampling seed.") var seed: UInt64 = 0
    @Option(help: "Beam search with this many beams (length-normalised).") var beams: Int?
    @Flag(help: "Start with the tokenizer's BOS (when its post-processor adds one).") var bos = false
    @OptionGroup var chat: ChatOptions
    @Flag(help: "Print the generated token ids as JSON instead of the text.") var json = false

    func validate() throws { try ArgumentChecks.sampling(temperature: temperature, topK: topK, topP: topP) }

    func run() throws {
        let (opened, llama, adapter) = try model.load()
        let ids = opened.tokenizer.encode(try chat.apply(to: prompt, opened, bos: bos), addSpecialTokens: bos)
        guard !ids.isEmpty else { throw ValidationError("the prompt encodes to no tokens (use --bos for an empty prompt)") }
        try llama.checkRunnable(ids, directory: model.directory)
        guard maxTokens >= 0, beams.map({ $0 >= 1 }) ?? true else { throw ValidationError("--max-tokens must be >= 0 and --beams >= 1") }
        var strategy = DecodingStrategy.greedy
        if let beams { strategy = .beam(width: beams, lengthNormalized: true) }
        if let temperature, temperature > 0 { strategy = .sample(temperature: temperature, topK: topK, topP: topP, seed: seed) }
        var emitted: [Int] = []
        var printed = ""
        let result = llama.generate(prompt: ids, options: GenerationOptions(maxTokens: maxTokens, strategy: strategy), adapter: adapter) { token in
            guard !json else { return .continue }
            // Print whole characters only: decode everything so far and write what is new.
            emitted.append(token)
            let text = opened.tokenizer.decode(emitted)
            if !text.hasSuffix("\u{FFFD}"), text.hasPrefix(printed) {
                FileHandle.standardOutput.write(Data(text.dropFirst(printed.count).utf8))
                printed = text
            }
            return .continue
        }
        if json {
            print(JSONOut.object([("ids", JSONOut.ints(result.tokens)), ("text", .string(opened.tokenizer.decode(result.tokens)))]))
        } else {
            let text = opened.tokenizer.decode(result.tokens)
            if text.hasPrefix(printed) { FileHandle.standardOutput.write(Data(text.dropFirst(printed.count).utf8)) }
            print("")
        }
    }
}
