/// Serialises `JSONValue` the way Hugging Face files look: object keys in the order given,
/// optional two-space indentation, doubles in Swift's shortest round-trip form (`1e-05`,
/// `500000.0`), non-ASCII written as UTF-8 rather than escaped.
public enum JSONWriter {
    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        var out = ""
        write(value, into: &out, pretty: pretty, indent: 0)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout String, pretty: Bool, indent: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            // JSON has no inf/nan; null is what Python's json writes for neither, so refuse quietly.
            out += d.isFinite ? "\(d)" : "null"
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                newline(into: &out, pretty: pretty, indent: indent + 1)
                write(element, into: &out, pretty: pretty, indent: indent + 1)
            }
            newline(into: &out, pretty: pretty, indent: indent)
            out += "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            out += "{"
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { out += "," }
                newline(into: &out, pretty: pretty, indent: indent + 1)
                writeString(entry.key, into: &out)
                out += pretty ? ": " : ":"
                write(entry.value, into: &out, pretty: pretty, indent: indent + 1)
            }
            newline(into: &out, pretty: pretty, indent: indent)
            out += "}"
        }
    }

    private static func newline(into out: inout String, pretty: Bool, indent: Int) {
        guard pretty else { return }
        out += "\n" + String(repeating: "  ", count: indent)
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
