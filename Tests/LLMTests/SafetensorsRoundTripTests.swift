import Foundation
import Testing
@testable import LLM
import TestSupport

@Suite struct SafetensorsRoundTripTests {
    let directory = try! TemporaryDirectory()  // a suite property cannot throw; creating a temp dir does not fail in practice

    /// Values exactly representable in F16 and BF16, so every dtype must give them back bit for bit.
    let exactValues: [Float] = [0, -0.0, 1, -2.25, 0.5, 3, 96, -0.125, .infinity, -.infinity, 1.5, 7]

    @Test(arguments: [SafetensorsDType.f32, .f16, .bf16])
    func writeThenReadGivesTheValuesBack(dtype: SafetensorsDType) throws {
        let url = directory.url.appendingPathComponent("model.safetensors")
        try SafetensorsWriter.write([
            SafetensorsTensor(name: "w", dtype: dtype, shape: [3, 4], floats: exactValues),
            SafetensorsTensor(name: "b", dtype: dtype, shape: [2], floats: [1, -1]),
            SafetensorsTensor(name: "s", dtype: dtype, shape: [], floats: [42]),
        ], metadata: ["format": "pt"], to: url)

        let file = try SafetensorsFile(url: url)
        #expect(file.tensorNames == ["b", "s", "w"])
        #expect(file.metadata == ["format": "pt"])
        let info = try file.info("w")
        #expect(info.dtype == dtype)
        #expect(info.shape == [3, 4])
        #expect(try file.floats("w").map(\.bitPattern) == exactValues.map(\.bitPattern))
        #expect(try file.floats("b") == [1, -1])
        #expect(try file.floats("s") == [42])
        #expect(try file.rawBytes("w").count == 12 * dtype.byteSize)
    }

    @Test func headerIsPaddedToEightBytesAndDataIsInNameOrder() throws {
        let url = directory.url.appendingPathComponent("x.safetensors")
        try SafetensorsWriter.write([
            SafetensorsTensor(name: "z", dtype: .f32, shape: [1], floats: [2]),
            SafetensorsTensor(name: "a", dtype: .f32, shape: [1], floats: [1]),
        ], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        let headerLength = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect(headerLength % 8 == 0)
        let header = String(decoding: bytes[8..<8 + headerLength], as: UTF8.self)
        #expect(header.hasPrefix(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"z":"#))
        #expect(header.hasSuffix("}") || header.hasSuffix(" "))
        #expect(!header.contains("__metadata__"))
        #expect(Array(bytes[(8 + headerLength)...]) == littleEndianBytes([1, 2]))
    }

    @Test func f16AndBF16RoundToNearestEvenOnWrite() throws {
        let url = directory.url.appendingPathComponent("r.safetensors")
        let ties: [Float] = [1 + 0x1p-11, 1 + 0x3p-11, 1 + 0x1p-8, 1 + 0x3p-8]
        try SafetensorsWriter.write([
            SafetensorsTensor(name: "h", dtype: .f16, shape: [4], floats: ties),
            SafetensorsTensor(name: "b", dtype: .bf16, shape: [4], floats: ties),
        ], to: url)
        let file = try SafetensorsFile(url: url)
        #expect(try file.halfWords("h") == [0x3C00, 0x3C02, 0x3C04, 0x3C0C])
        #expect(try file.halfWords("b") == [0x3F80, 0x3F80, 0x3F80, 0x3F82])
        #expect(try file.floats("b") == [1, 1, 1, 1 + 0x1p-6])
    }

    @Test func rawBytesAreAccepted() throws {
        let url = directory.url.appendingPathComponent("ids.safetensors")
        let ids: [UInt8] = [5, 0, 0, 0, 0, 0, 0, 0]
        try SafetensorsWriter.write([SafetensorsTensor(name: "ids", dtype: .i64, shape: [1], values: .bytes(ids))], to: url)
        let file = try SafetensorsFile(url: url)
        #expect(Array(try file.rawBytes("ids")) == ids)
    }

    @Test func writerRejectsBadInput() {
        let url = directory.url.appendingPathComponent("w.safetensors")
        #expect(throws: SafetensorsError.duplicateTensorName(file: url.path, name: "a")) {
            try SafetensorsWriter.write([
                SafetensorsTensor(name: "a", dtype: .f32, shape: [1], floats: [1]),
                SafetensorsTensor(name: "a", dtype: .f32, shape: [1], floats: [1]),
            ], to: url)
        }
        #expect(throws: SafetensorsError.invalidTensorToWrite(file: url.path, tensor: "a", reason: "3 values for shape [2]")) {
            try SafetensorsWriter.write([SafetensorsTensor(name: "a", dtype: .f32, shape: [2], floats: [1, 2, 3])], to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func overwritingReplacesTheFileAndLeavesNoTemporary() throws {
        let url = directory.url.appendingPathComponent("o.safetensors")
        try SafetensorsWriter.write([SafetensorsTensor(name: "a", dtype: .f32, shape: [1], floats: [1])], to: url)
        try SafetensorsWriter.write([SafetensorsTensor(name: "a", dtype: .f32, shape: [1], floats: [9])], to: url)
        #expect(try SafetensorsFile(url: url).floats("a") == [9])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["o.safetensors"])
    }

    @Test func shardedCheckpointFollowsTheWeightMap() throws {
        try SafetensorsWriter.write([SafetensorsTensor(name: "a", dtype: .f32, shape: [1], floats: [1])],
                                    to: directory.url.appendingPathComponent("model-00001-of-00002.safetensors"))
        try SafetensorsWriter.write([SafetensorsTensor(name: "b", dtype: .bf16, shape: [2], floats: [2, 3])],
                                    to: directory.url.appendingPathComponent("model-00002-of-00002.safetensors"))
        _ = directory.file("model.safetensors.index.json", text: """
            {"metadata": {"total_size": 8}, "weight_map": {
              "a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}
            """)
        let checkpoint = try SafetensorsCheckpoint(directory: directory.url)
        #expect(checkpoint.tensorNames == ["a", "b"])
        #expect(checkpoint.files.count == 2)
        #expect(try checkpoint.floats("a") == [1])
        #expect(try checkpoint.floats("b") == [2, 3])
        #expect(try checkpoint.info("b").dtype == .bf16)
    }

    @Test func shardedIndexPointingAtTheWrongShardIsAnError() throws {
        try SafetensorsWriter.write([SafetensorsTensor(name: "a", dtype: .f32, shape: [1], floats: [1])],
                                    to: directory.url.appendingPathComponent("s1.safetensors"))
        let index = directory.file("model.safetensors.index.json", text: #"{"weight_map": {"b": "s1.safetensors"}}"#)
        #expect(throws: SafetensorsError.invalidIndex(file: index.path, reason: "weight_map puts \"b\" in s1.safetensors, which does not contain it")) {
            try SafetensorsCheckpoint(directory: directory.url)
        }
    }

    @Test func singleFileCheckpoint() throws {
        try SafetensorsWriter.write([SafetensorsTensor(name: "a", dtype: .f16, shape: [1], floats: [0.5])],
                                    to: directory.url.appendingPathComponent("model.safetensors"))
        #expect(try SafetensorsCheckpoint(directory: directory.url).floats("a") == [0.5])
    }

    @Test func emptyDirectoryHasNoCheckpoint() {
        #expect(throws: SafetensorsError.noCheckpoint(directory: directory.url.path)) {
            try SafetensorsCheckpoint(directory: directory.url)
        }
    }
}
