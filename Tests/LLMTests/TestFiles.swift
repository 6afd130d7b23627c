import Foundation

/// A fresh temporary directory per test, removed when the value is dropped.
final class TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("llm-tests-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` inside the directory and returns its URL.
    func file(_ name: String, bytes: [UInt8]) -> URL {
        let file = url.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(bytes))
        return file
    }

    func file(_ name: String, text: String) -> URL {
        file(name, bytes: Array(text.utf8))
    }
}

/// Safetensors bytes built by hand: 8-byte little-endian length, header, data. The length can
/// be overridden to lie about the header.
func safetensorsBytes(header: String, data: [UInt8], claimedHeaderLength: UInt64? = nil) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    let length = claimedHeaderLength ?? UInt64(headerBytes.count)
    return withUnsafeBytes(of: length.littleEndian) { Array($0) } + headerBytes + data
}

func littleEndianBytes(_ floats: [Float]) -> [UInt8] {
    floats.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}
