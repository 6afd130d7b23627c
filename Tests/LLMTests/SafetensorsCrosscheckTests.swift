import Foundation
import Testing
@testable import LLM
import TestSupport

/// Reads files written by the reference `safetensors` writer and checks that ours writes the
/// same bytes, using `crosscheck/safetensors_crosscheck.py`'s output. Skipped, with the reason
/// shown, when those files are absent.
@Suite struct SafetensorsCrosscheckTests {
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["COLLATE_SAFETENSORS_CROSSCHECK_DIR"] {
            return URL(fileURLWithPath: path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/crosscheck-safetensors")
    }()

    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("expected.json").path)
    }

    struct ExpectedTensor {
        var name: String
        var dtype: SafetensorsDType
        var shape: [Int]
        var bits: [UInt32]?
    }

    private func expectations() throws -> [(file: String, metadata: [String: String]?, tensors: [ExpectedTensor])] {
        let json = try JSONParser.parse(Data(contentsOf: Self.directory.appendingPathComponent("expected.json")))
        let files = try #require(json.objectValue?["files"]?.objectValue)
        return try files.entries.map { file, value in
            let object = try #require(value.objectValue)
            let metadata = object["metadata"]?.objectValue.map { meta in
                Dictionary(uniqueKeysWithValues: meta.entries.compactMap { key, value in value.stringValue.map { (key, $0) } })
            }
            let tensors = try #require(object["tensors"]?.objectValue).entries.map { name, tensor in
                let fields = try #require(tensor.objectValue)
                return ExpectedTensor(
                    name: name,
                    dtype: try #require(SafetensorsDType(rawValue: fields["dtype"]?.stringValue ?? "")),
                    shape: try #require(fields["shape"]?.arrayValue).compactMap(\.intValue),
                    bits: fields["bits"]?.arrayValue?.compactMap { $0.intValue.map { UInt32($0) } })
            }
            return (file, metadata, tensors)
        }
    }

    @Test(.enabled(if: available, "no reference files: run `python crosscheck/safetensors_crosscheck.py` in a venv with safetensors"))
    func readsReferenceFiles() throws {
        for (name, metadata, tensors) in try expectations() {
            let file = try SafetensorsFile(url: Self.directory.appendingPathComponent(name))
            #expect(file.metadata == metadata, "\(name)")
            #expect(file.tensorNames == tensors.map(\.name).sorted(), "\(name)")
            for tensor in tensors {
                let info = try file.info(tensor.name)
                #expect(info.dtype == tensor.dtype && info.shape == tensor.shape, "\(name) \(tensor.name)")
                if let bits = tensor.bits {
                    #expect(try file.floats(tensor.name).map(\.bitPattern) == bits, "\(name) \(tensor.name)")
                }
            }
        }
    }

    /// Single-dtype files: the reference orders tensors by dtype, then name, so for one dtype
    /// its layout is ours (names sorted), and the bytes must be identical.
    @Test(.enabled(if: available, "no reference files: run `python crosscheck/safetensors_crosscheck.py` in a venv with safetensors"))
    func writerProducesTheReferenceBytes() throws {
        let scratch = try TemporaryDirectory()
        for (name, metadata, tensors) in try expectations() where !name.contains("mixed") {
            let ours = scratch.url.appendingPathComponent(name)
            try SafetensorsWriter.write(tensors.map { tensor in
                SafetensorsTensor(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape,
                                  floats: (tensor.bits ?? []).map { Float(bitPattern: $0) })
            }, metadata: metadata, to: ours)
            let reference = try Data(contentsOf: Self.directory.appendingPathComponent(name))
            #expect(try Data(contentsOf: ours) == reference, "\(name)")
        }
    }
}
