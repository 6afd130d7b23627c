import Foundation

/// The weights of a Hugging Face model directory: one `model.safetensors`, or shards listed by
/// `model.safetensors.index.json` (`weight_map: {tensor: file}`). Lookups go to the shard
/// that holds the tensor.
public final class SafetensorsCheckpoint: Sendable {
    public static let singleFileName = "model.safetensors"
    public static let indexFileName = "model.safetensors.index.json"
    static let pickleFileNames = ["pytorch_model.bin", "pytorch_model.bin.index.json", "model.bin", "consolidated.00.pth"]

    /// Shard files by path.
    public let files: [SafetensorsFile]
    private let shardOfTensor: [String: SafetensorsFile]

    /// Opens the weights in `directory`. A directory holding only pickle weights is refused
    /// with the reason (pickle can run code), not reported as empty.
    public init(directory: URL) throws(SafetensorsError) {
        let manager = FileManager.default
        let index = directory.appendingPathComponent(Self.indexFileName)
        let single = directory.appendingPathComponent(Self.singleFileName)
        if manager.fileExists(atPath: index.path) {
            (files, shardOfTensor) = try Self.openSharded(index: index, directory: directory)
        } else if manager.fileExists(atPath: single.path) {
            let file = try SafetensorsFile(url: single)
            files = [file]
            shardOfTensor = Dictionary(uniqueKeysWithValues: file.tensorNames.map { ($0, file) })
        } else if let pickle = Self.pickleFileNames.first(where: {
            manager.fileExists(atPath: directory.appendingPathComponent($0).path)
        }) {
            throw .pickleCheckpointRefused(file: directory.appendingPathComponent(pickle).path)
        } else {
            throw .noCheckpoint(directory: directory.path)
        }
    }

    private static func openSharded(
        index: URL, directory: URL
    ) throws(SafetensorsError) -> ([SafetensorsFile], [String: SafetensorsFile]) {
        let path = index.path
        let data: Data
        do { data = try Data(contentsOf: index) } catch {
            throw .ioFailure(file: path, reason: "cannot read: \(error.localizedDescription)")
        }
        let json: JSONValue
        do { json = try JSONParser.parse(data) } catch {
            throw .invalidIndex(file: path, reason: error.description)
        }
        guard let weightMap = json.objectValue?["weight_map"]?.objectValue else {
            throw .invalidIndex(file: path, reason: "missing \"weight_map\" object")
        }
        var opened: [String: SafetensorsFile] = [:]
        var shardOfTensor: [String: SafetensorsFile] = [:]
        for (tensor, value) in weightMap.entries {
            guard let fileName = value.stringValue else {
                throw .invalidIndex(file: path, reason: "weight_map[\"\(tensor)\"] must be a file name")
            }
            // Shards live beside the index; a path that climbs out of the directory is refused.
            guard !fileName.contains("/"), fileName != "..", !fileName.isEmpty else {
                throw .invalidIndex(file: path, reason: "weight_map[\"\(tensor)\"] = \"\(fileName)\" is not a plain file name")
            }
            let shard: SafetensorsFile
            if let existing = opened[fileName] {
                shard = existing
            } else {
                shard = try SafetensorsFile(url: directory.appendingPathComponent(fileName))
                opened[fileName] = shard
            }
            guard shard.contains(tensor) else {
                throw .invalidIndex(file: path, reason: "weight_map puts \"\(tensor)\" in \(fileName), which does not contain it")
            }
            shardOfTensor[tensor] = shard
        }
        return (opened.keys.sorted().compactMap { opened[$0] }, shardOfTensor)
    }

    /// Tensor names, sorted.
    public var tensorNames: [String] { shardOfTensor.keys.sorted() }

    public func contains(_ name: String) -> Bool { shardOfTensor[name] != nil }

    /// The file holding `name`.
    public func file(containing name: String) throws(SafetensorsError) -> SafetensorsFile {
        guard let file = shardOfTensor[name] else {
            throw .tensorNotFound(file: files.map(\.path).joined(separator: ", "), tensor: name)
        }
        return file
    }

    public func info(_ name: String) throws(SafetensorsError) -> SafetensorsTensorInfo {
        try file(containing: name).info(name)
    }

    public func floats(_ name: String) throws(SafetensorsError) -> [Float] {
        try file(containing: name).floats(name)
    }

    public func rawBytes(_ name: String) throws(SafetensorsError) -> UnsafeRawBufferPointer {
        try file(containing: name).rawBytes(name)
    }

    /// `rawBytes`, refusing a tensor with a NaN or infinity (`SafetensorsFile.finiteBytes`).
    public func finiteBytes(_ name: String) throws(SafetensorsError) -> UnsafeRawBufferPointer {
        try file(containing: name).finiteBytes(name)
    }
}
