import Foundation

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
        let decoder = JSONDecoder()
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
                    let object = try decodeObject(Data(line), decoder: decoder)
                    let (instruction, rationale, answer, options) = switch (format, fields) {
                    case (.gsm8k, _): try TaskLineParser.gsm8k(object)
                    case (.jsonl, let fields?): try TaskLineParser.mapped(object, fields: fields)
                    case (.jsonl, nil): throw LineProblem("no field mapping for generic JSONL")
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

    private static func decodeObject(_ data: Data, decoder: JSONDecoder) throws(LineProblem) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try decoder.decode(JSONValue.self, from: data)
        } catch {
            throw LineProblem("not valid JSON")
        }
        guard case .object(let object) = value else { throw LineProblem("expected a JSON object, found \(value.kind)") }
        return object
    }
}
