import Foundation

/// Finds the line where a dotted key path is written in a TOML text. TOMLKit does not report
/// source positions of keys, so the text is scanned: table headers set the current table, and
/// `key = value` lines (bare, quoted or dotted keys) define paths under it. Keys inside inline
/// tables and values inside multi-line strings are not indexed; a path that is not found falls
/// back to its nearest indexed ancestor (an inline table's line, a table header).
struct KeyLineLocator {
    private var firstLine: [String: Int] = [:]

    init(text: String) {
        var table: [String] = []
        var openMultiline: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingWhitespaceSubstring()
            if let delimiter = openMultiline {
                if line.components(separatedBy: delimiter).count % 2 == 0 { openMultiline = nil }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let isArray = line.hasPrefix("[[")
                let inner = line.dropFirst(isArray ? 2 : 1)
                guard let end = inner.firstIndex(of: "]") else { continue }
                table = Self.keySegments(inner[..<end])
                record(table, line: lineNumber)
                continue
            }
            guard let equals = Self.indexOfEqualsOutsideQuotes(line) else { continue }
            let segments = table + Self.keySegments(line[..<equals])
            for length in (table.count + 1)...segments.count {
                record(Array(segments.prefix(length)), line: lineNumber)
            }
            let value = line[line.index(after: equals)...]
            for delimiter in ["\"\"\"", "'''"] where value.components(separatedBy: delimiter).count == 2 {
                openMultiline = delimiter
            }
        }
    }

    /// The line of `path`, or of its nearest ancestor that is written in the text.
    func line(of path: String) -> Int? {
        var segments = path.split(separator: ".").map(String.init)
        while !segments.isEmpty {
            if let line = firstLine[segments.joined(separator: ".")] { return line }
            segments.removeLast()
        }
        return nil
    }

    private mutating func record(_ segments: [String], line: Int) {
        let key = segments.joined(separator: ".")
        if firstLine[key] == nil { firstLine[key] = line }
    }

    /// `a."b.c" . d` -> ["a", "b.c", "d"].
    static func keySegments(_ text: Substring) -> [String] {
        var segments: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                segments.append(current.trimmingWhitespace())
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current.trimmingWhitespace())
        return segments
    }

    private static func indexOfEqualsOutsideQuotes(_ line: Substring) -> Substring.Index? {
        var quote: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "=" {
                return index
            }
            index = line.index(after: index)
        }
        return nil
    }
}

extension Substring {
    func trimmingWhitespaceSubstring() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
