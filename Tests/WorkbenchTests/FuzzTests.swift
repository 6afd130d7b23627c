import Collate
import Foundation
import LLM
import Testing
import TUIKit
@testable import Workbench
import TensorCore

/// Issue 23: a seeded mutation loop over each parser we own, from the committed seed corpus
/// in FuzzCorpus/. Every mutant must parse or throw the parser's own error: a crash (a trap,
/// an unbounded allocation) ends the test run, which is the failure. The budget is fixed
/// (mutants per parser below) and the seed too, so a failure reproduces; a crash found here
/// becomes a unit test of its own.
@Suite struct FuzzTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    /// SplitMix64 (the same generator as the method's draws) driving byte-level mutations.
    struct Mutator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

        static let interesting: [UInt8] = Array("{}[]\",:-0123456789eE.\\nu ".utf8) + [0, 0x0A, 0x7F, 0x80, 0xC3, 0xFF]

        /// One to four mutations: flip a bit, set a byte, insert bytes, delete a range,
        /// duplicate a range, truncate, or splice a big number in.
        mutating func mutate(_ input: [UInt8]) -> [UInt8] {
            var bytes = input
            for _ in 0...below(4) {
                let at = below(bytes.count + 1)
                switch below(8) {
                case 0 where at < bytes.count: bytes[at] ^= UInt8(1 << below(8))
                case 1 where at < bytes.count: bytes[at] = Self.interesting[below(Self.interesting.count)]
                case 2: bytes.insert(contentsOf: (0..<1 + below(4)).map { _ in Self.interesting[below(Self.interesting.count)] }, at: at)
                case 3 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
                case 4 where at < bytes.count:
                    let end = min(bytes.count, at + 1 + below(64))
                    bytes.insert(contentsOf: bytes[at..<end], at: below(bytes.count + 1))
                case 5: bytes = Array(bytes.prefix(at))
                case 6: bytes.insert(contentsOf: Array(["1000000000", "-1", "1e308", "18446744073709551616", "NaN"][below(5)].utf8), at: at)
                default: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: next()) }
                }
            }
            return bytes
        }
    }

    /// Binary formats: a mutation as above, then, one time in two, a little-endian word of an
    /// extreme value written over bytes at a random place (lengths, counts, offsets, types).
    static func mutateBinary(_ input: [UInt8], _ mutator: inout Mutator) -> [UInt8] {
        var bytes = mutator.mutate(input)
        guard mutator.below(2) == 0, bytes.count >= 8 else { return bytes }
        let words: [UInt64] = [0, 1, 0xFF, 0xFFFF_FFFF, 1 << 31, 1 << 32, 1 << 62, UInt64.max, 0x7FFF_FFFF_FFFF_FFFF]
        let word = words[mutator.below(words.count)]
        let width = [1, 2, 4, 8][mutator.below(4)]
        let at = mutator.below(bytes.count - width + 1)
        for index in 0..<width { bytes[at + index] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(index))) }
        return bytes
    }

    static func seed(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: corpus.appendingPathComponent(name))) }

    /// Runs `parse` on the seed and `count` mutants; returns (inputs, parsed) for the report.
    @discardableResult
    static func fuzz(_ name: String, count: Int, seed: UInt64, _ parse: ([UInt8]) throws -> Void) throws -> (Int, Int) {
        let original = try Self.seed(name)
        try parse(original)  // the seed itself must parse: the corpus is valid
        var mutator = Mutator(state: seed)
        var parsed = 0
        for _ in 0..<count {
            let mutant = mutator.mutate(original)
            if (try? parse(mutant)) != nil { parsed += 1 }
        }
        print("fuzz \(name): \(count) mutants, \(parsed) parsed, the rest refused with an error, 0 crashes")
        return (count, parsed)
    }

    /// Runs `open` on the seed and `count` binary mutants, each written to a file first (the
    /// GGUF reader maps a file); returns (inputs, opened).
    @discardableResult
    static func fuzzFile(_ name: String, count: Int, seed: UInt64, _ open: (URL) throws -> Void) throws -> (Int, Int) {
        let original = try Self.seed(name)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID())-\(name)")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(original).write(to: url)
        try open(url)  // the seed itself must open: the corpus is valid
        var mutator = Mutator(state: seed)
        var opened = 0
        for _ in 0..<count {
            try Data(mutateBinary(original, &mutator)).write(to: url)
            if (try? open(url)) != nil { opened += 1 }
        }
        print("fuzz \(name): \(count) mutants, \(opened) opened, the rest refused with an error, 0 crashes")
        return (count, opened)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func jsonParser() throws { try Self.fuzz("config.json", count: 3000, seed: 1) { _ = try JSONParser.parse($0) } }
    @Test func modelConfig() throws { try Self.fuzz("config.json", count: 3000, seed: 2) { _ = try ModelConfig(jsonBytes: $0) } }
    @Test func tokenizerJSON() throws { try Self.fuzz("tokenizer.json", count: 1000, seed: 3) { _ = try Tokenizer(jsonBytes: $0) } }

    @Test func safetensorsHeader() throws {
        try Self.fuzz("tiny.safetensors", count: 3000, seed: 4) { bytes in
            _ = try bytes.withUnsafeBytes { try SafetensorsHeader.parse(file: $0, path: "tiny.safetensors") }
        }
    }

    @Test func sessionManifest() throws {
        try Self.fuzz("session.toml", count: 3000, seed: 5) { _ = try SessionManifest.parse(Self.text($0)) }
    }

    @Test func keysFile() throws {
        try Self.fuzz("my.keys", count: 3000, seed: 6) { _ = try KeymapFile.apply(Self.text($0), to: .standard, file: "my.keys") }
    }

    @Test func themeFile() throws {
        try Self.fuzz("dark.theme", count: 3000, seed: 7) { _ = try Theme.parse(Self.text($0), name: "dark", file: "dark.theme") }
    }

    /// A GGUF model as `collate model info` and the stages open one: the header, every tensor
    /// dequantized, the config and tokenizer from the metadata, the model built and a text
    /// encoded. A mutant opens or is refused with the reader's error.
    @Test func ggufModel() throws {
        try Self.fuzzFile("tiny-llama.gguf", count: 1500, seed: 9) { url in
            let file = try GGUFFile(url: url)
            for name in file.tensorNames where try file.info(name).type.isDequantizable { _ = try file.floats(name) }
            let model = try ModelDirectory(url: url)
            _ = try LlamaModel(directory: model)
            _ = model.tokenizer.encode("the ab 12")
        }
    }

    /// GGUF metadata of every value type and tensors of every type we dequantize.
    @Test func ggufEveryType() throws {
        try Self.fuzzFile("every-type.gguf", count: 1500, seed: 10) { url in
            let file = try GGUFFile(url: url)
            for name in file.tensorNames where try file.info(name).type.isDequantizable { _ = try file.floats(name) }
        }
    }

    /// Task lines: every mutant is one line of a file read once (the reader's per-line path).
    @Test func taskLines() throws {
        let lines = try Self.seed("tasks.jsonl").split(separator: UInt8(ascii: "\n")).map(Array.init)
        var mutator = Mutator(state: 8)
        var file: [UInt8] = []
        let count = 3000
        for index in 0..<count {
            file += mutator.mutate(lines[index % lines.count]).filter { $0 != UInt8(ascii: "\n") } + [UInt8(ascii: "\n")]
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-tasks-\(UUID()).jsonl")
        try Data(file).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try TaskFileReader.read(url: url, displayName: "tasks.jsonl", format: .gsm8k, fields: nil)
        #expect(result.examples.count + result.bad.count <= count)
        print("fuzz tasks.jsonl: \(count) mutant lines, \(result.examples.count) parsed, \(result.bad.count) bad lines, 0 crashes")
    }
}
