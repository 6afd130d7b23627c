import ArgumentParser
import Foundation
import LLM

/// `collate-bench tokenizer`: encode throughput of our tokenizer and HF tokenizers
/// (bench/hf_tokenizer.py) on the GSM8K train text, with one tokenizer.json that our
/// BPETrainer trained on that text and both sides load. One thread each, interleaved.
struct TokenizerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Encode MB/s of our BPE tokenizer beside HF tokenizers on the GSM8K train text."
    )

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Timed repetitions per side (median reported); at least 5.")
    var reps = 5

    @Option(help: "GSM8K-format JSONL whose question and answer texts are encoded.")
    var data = checkoutPath("sessions/gsm8k/data/train.jsonl")

    @Option(help: "Vocabulary size of the tokenizer trained for the benchmark.")
    var vocabulary = 8192

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func validate() throws {
        guard reps >= 5 else { throw ValidationError("--reps must be at least 5") }
    }

    func run() throws {
        let documents = try readDocuments()
        let bytes = documents.reduce(0) { $0 + $1.utf8.count }
        var trainer = BPETrainer(vocabularySize: vocabulary)
        for document in documents { trainer.addText(document) }
        let trained = try trainer.train()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("collate-bench-tokenizer-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizerFile = directory.appendingPathComponent("tokenizer.json")
        let textFile = directory.appendingPathComponent("text.bin")
        try trained.write(to: tokenizerFile)
        try Data(documents.joined(separator: "\0").utf8).write(to: textFile)
        let tokenizer = try Tokenizer(contentsOf: tokenizerFile)
        note("tokenizer: \(documents.count) documents, \(bytes) bytes from \(data); "
             + "BPE vocabulary \(trained.vocabularySize) trained by BPETrainer")

        var reference: ScriptReference? = nil
        let (python, reason) = ScriptReference.venvPython()
        if let python {
            do {
                reference = try ScriptReference(python: python, script: checkoutPath("bench/hf_tokenizer.py"),
                                                arguments: [tokenizerFile.path, textFile.path])
                note("HF reference: \(reference?.banner ?? "")")
            } catch {
                note("HF tokenizers reference unavailable (\(error)); printing our figures alone")
            }
        } else {
            note("HF tokenizers reference unavailable (\(reason)); printing our figures alone")
        }

        var ourCount = 0
        let encodeAll = { ourCount = documents.reduce(0) { $0 + tokenizer.encode($1).count } }
        encodeAll()
        if let r = reference, let theirCount = try? r.ask("count"), Int(theirCount) != ourCount {
            note("warning: HF tokenizers produced \(Int(theirCount)) ids, ours \(ourCount)")
        }
        _ = try reference?.ask("encode")
        var ours: [Double] = [], theirs: [Double] = []
        for _ in 0..<reps {
            let start = now()
            encodeAll()
            ours.append(Double(bytes) / 1e6 / (now() - start))
            if let r = reference { theirs.append(Double(bytes) / 1e6 / (try r.ask("encode"))) }
        }
        let oursSummary = Summary(ours)
        let theirsSummary = theirs.isEmpty ? nil : Summary(theirs)
        let ratio = theirsSummary.map { oursSummary.median / $0.median }
        if json {
            print("{\"bench\": \"tokenizer\", \"metric\": \"tokenizer_encode_gsm8k_train\", \"threads\": 1, "
                  + "\"ours\": \(String(format: "%.2f", oursSummary.median)), "
                  + "\"ref\": \(theirsSummary.map { String(format: "%.2f", $0.median) } ?? "null"), "
                  + "\"ratio\": \(ratio.map { String(format: "%.2f", $0) } ?? "null"), "
                  + "\"unit\": \"MB/s\", \"ref_name\": \"hf-tokenizers\"}")
        } else {
            let describe: (Summary) -> String = { String(format: "%.2f (%.2f-%.2f)", $0.median, $0.min, $0.max) }
            print(pad("workload", 26) + pad("ours", 26) + pad("hf tokenizers", 26) + "ratio")
            print(pad("tokenizer_encode [MB/s]", 26) + pad(describe(oursSummary), 26)
                  + pad(theirsSummary.map(describe) ?? "n/a", 26) + (ratio.map { String(format: "%.2f", $0) } ?? "n/a"))
        }
    }

    /// question + "\n" + answer of every line.
    private func readDocuments() throws -> [String] {
        guard let text = try? String(contentsOfFile: data, encoding: .utf8) else {
            throw Failure(description: "cannot read \(data)")
        }
        var documents: [String] = []
        for (index, line) in text.split(separator: "\n").enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let question = object["question"] as? String, let answer = object["answer"] as? String else {
                throw Failure(description: "\(data):\(index + 1): not a GSM8K record with question and answer")
            }
            documents.append(question + "\n" + answer)
        }
        return documents
    }

    private func note(_ text: String) {
        if json { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { print(text) }
    }
}
