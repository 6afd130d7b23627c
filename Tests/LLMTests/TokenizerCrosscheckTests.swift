import Foundation
import Testing
@testable import LLM

/// Compares our ids with Hugging Face `tokenizers` on files written by
/// `crosscheck/tokenizer_crosscheck.py`. Skipped, with the reason shown, when they are absent.
@Suite struct TokenizerCrosscheckTests {
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["COLLATE_TOKENIZER_CROSSCHECK_DIR"] {
            return URL(fileURLWithPath: path)
        }
        // Tests/LLMTests/<this file> -> package root
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/crosscheck-tokenizers")
    }()

    static let forms = ["gpt2", "gpt2_prefix_space", "llama3", "qwen2", "smollm2", "collate_trained"]

    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("gpt2/cases.json").path)
    }

    @Test(
        .enabled(if: available, "no reference files: run `python crosscheck/tokenizer_crosscheck.py` in a venv with tokenizers==0.23.3"),
        arguments: forms)
    func idsMatchHuggingFace(form: String) throws {
        let folder = Self.directory.appendingPathComponent(form)
        let tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json"))
        let reference = try JSONParser.parse(Data(contentsOf: folder.appendingPathComponent("cases.json")))
        let cases = try #require(reference.objectValue?["cases"]?.arrayValue)
        #expect(cases.count > 0)
        for entry in cases {
            let fields = try #require(entry.objectValue)
            let text = try #require(fields["text"]?.stringValue)
            let expected = try #require(fields["ids"]?.arrayValue).compactMap(\.intValue)
            let expectedWithSpecial = try #require(fields["ids_with_special_tokens"]?.arrayValue).compactMap(\.intValue)
            let decoded = try #require(fields["decoded"]?.stringValue)
            let ids = tokenizer.encode(text)
            #expect(ids == expected, "\(form): \(text.debugDescription)")
            #expect(tokenizer.encode(text, addSpecialTokens: true) == expectedWithSpecial, "\(form) with special tokens: \(text.debugDescription)")
            #expect(tokenizer.decode(ids) == decoded, "\(form) decode: \(text.debugDescription)")
        }
    }
}
