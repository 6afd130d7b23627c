import Foundation
import LLM

/// Reads a JSONL task file into examples, collecting bad lines with their numbers. Blank
/// lines are skipped (not bad): JSONL files often end with one.
public enum TaskFileReader {
    public static func read(url: URL, displayName: String, format: TaskDataFormat, fields: FieldMapping?)
        throws(TaskDataError) -> (examples: [TaskExample], bad: [BadLine]) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: displayName, reason: error.localizedDescription)
        }
        var examples: [TaskExample] = []
        var bad: [BadLine] = []
        // Lines are found and hashed over raw bytes: a debug build walks a Data slice ~10x slower.
        let bytes = [UInt8](data)
        bytes.withUnsafeBufferPointer { buffer in
            var lineNumber = 0
            var start = 0
            while start < buffer.count {
                lineNumber += 1
                var end = start
                while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                let next = end + 1
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                start = next
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do throws(LineProblem) {
                    let object = try decodeObject(line)
                    let (instruction, rationale, answer, options) = switch (format, fields) {
                    case (.gsm8k, _): try TaskLineParser.gsm8k(object)
                    case (.jsonl, let fields?): try TaskLineParser.mapped(object, fields: fields)
                    case (.jsonl, nil): throw LineProblem("no field mapping for generic JSONL")
                    }
                    for (name, text) in [("question", instruction), ("rationale", rationale ?? ""), ("answer", answer)]
                        + (options ?? []).map({ ("option", $0) }) where text.utf8.count > TaskExample.maxFieldBytes {
                        throw LineProblem("the \(name) is \(text.utf8.count) bytes; a field may hold at most "
                            + "\(TaskExample.maxFieldBytes) bytes")
                    }
                    // SQLite text through GRDB would end at the NUL: the stored question would be cut.
                    for (name, text) in [("question", instruction), ("rationale", rationale ?? ""), ("answer", answer)]
                        + (options ?? []).map({ ("option", $0) }) where text.utf8.contains(0) {
                        throw LineProblem("the \(name) contains a NUL character (U+0000), which the session store cannot hold")
                    }
                    examples.append(TaskExample(
                        instruction: instruction, goldRationale: rationale, goldAnswer: answer, options: options,
                        line: lineNumber, sourceHash: FNV1a.hex(line)))
                } catch {
                    bad.append(BadLine(file: displayName, line: lineNumber, reason: error.reason))
                }
            }
        }
        return (examples, bad)
    }

    /// LLM's strict parser, as for every other JSON file: a key given twice is refused (which
    /// of the two would be the question?), and the error says where the line goes wrong.
    private static func decodeObject(_ line: UnsafeBufferPointer<UInt8>) throws(LineProblem) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            if let key = error.duplicateKey, error.duplicateKeyDepth == 0 {
                throw LineProblem("field \"\(key)\" appears twice")
            }
            throw LineProblem("not valid JSON at byte \(error.offset + 1) of the line: \(error.message)")
        }
        guard case .object(let object) = value else { throw LineProblem("expected a JSON object, found \(value.kindName)") }
        return object
    }
}
