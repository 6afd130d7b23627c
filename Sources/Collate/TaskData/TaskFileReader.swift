import Foundation

/// Reads a JSONL task file into examples, collecting bad lines with their numbers. Blank
/// lines are skipped (not bad): JSONL files often end with one.
enum TaskFileReader {
    static func read(url: URL, displayName: String, format: TaskDataFormat, fields: FieldMapping?)
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
        var lineNumber = 0
        for lineBytes in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = lineBytes
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do throws(LineProblem) {
                let object = try decodeObject(Data(bytes), decoder: decoder)
                let (instruction, rationale, answer, options) = switch (format, fields) {
                case (.gsm8k, _): try TaskLineParser.gsm8k(object)
                case (.jsonl, let fields?): try TaskLineParser.mapped(object, fields: fields)
                case (.jsonl, nil): throw LineProblem("no field mapping for generic JSONL")
                }
                examples.append(TaskExample(
                    instruction: instruction, goldRationale: rationale, goldAnswer: answer, options: options,
                    line: lineNumber, sourceHash: FNV1a.hex(bytes)))
            } catch {
                bad.append(BadLine(file: displayName, line: lineNumber, reason: error.reason))
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
