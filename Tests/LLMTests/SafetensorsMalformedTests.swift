import Foundation
import Testing
@testable import LLM
import TestSupport

/// One test per way a safetensors file can be wrong; each builds the bad bytes itself and
/// checks the exact error (which names the file).
@Suite struct SafetensorsMalformedTests {
    let directory = try! TemporaryDirectory()  // a suite property cannot throw; creating a temp dir does not fail in practice

    private func open(_ bytes: [UInt8], name: String = "bad.safetensors") throws(SafetensorsError) -> SafetensorsFile {
        try SafetensorsFile(url: directory.file(name, bytes: bytes))
    }

    private func path(_ name: String = "bad.safetensors") -> String {
        directory.url.appendingPathComponent(name).path
    }

    private let goodEntry = #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
    private let eightBytes = [UInt8](repeating: 0, count: 8)

    @Test func emptyFileIsTooShort() {
        #expect(throws: SafetensorsError.fileTooShort(file: path(), size: 0)) { try open([]) }
    }

    @Test func sevenByteFileIsTooShort() {
        #expect(throws: SafetensorsError.fileTooShort(file: path(), size: 7)) { try open([1, 0, 0, 0, 0, 0, 0]) }
    }

    @Test func headerLengthPastTheEndOfTheFile() {
        let bytes = safetensorsBytes(header: "{}", data: [], claimedHeaderLength: 1000)
        #expect(throws: SafetensorsError.headerBeyondFile(file: path(), headerLength: 1000, fileSize: 10)) {
            try open(bytes)
        }
    }

    @Test func headerLengthOverOneHundredMegabytesIsRefusedBeforeAnyAllocation() {
        // The claimed length is huge; the file is 10 bytes. Nothing may be allocated from it.
        let claimed: UInt64 = 1 << 40
        let bytes = safetensorsBytes(header: "{}", data: [], claimedHeaderLength: claimed)
        #expect(throws: SafetensorsError.headerTooLarge(file: path(), headerLength: claimed, limit: 100_000_000)) {
            try open(bytes)
        }
    }

    @Test func truncatedDataBufferIsOutOfRange() {
        let bytes = safetensorsBytes(header: "{\(goodEntry)}", data: [0, 0, 0, 0])
        #expect(throws: SafetensorsError.offsetsOutOfRange(file: path(), tensor: "a", begin: 0, end: 8, dataSize: 4)) {
            try open(bytes)
        }
    }

    @Test func headerNotStartingWithBrace() {
        let bytes = safetensorsBytes(header: " {}", data: [])
        #expect(throws: SafetensorsError.headerNotJSONObject(file: path())) { try open(bytes) }
    }

    @Test func invalidJSON() throws {
        let bytes = safetensorsBytes(header: #"{"a": {"dtype": "F32",}"#, data: [])
        let error = #expect(throws: SafetensorsError.self) { try open(bytes) }
        guard case .invalidHeaderJSON(let file, _) = error else {
            Issue.record("expected invalidHeaderJSON, got \(String(describing: error))")
            return
        }
        #expect(file == path())
        #expect(error?.description.contains("bad.safetensors") == true)
    }

    @Test func tensorEntryThatIsNotAnObject() {
        let bytes = safetensorsBytes(header: #"{"a": [1, 2]}"#, data: [])
        #expect(throws: SafetensorsError.invalidTensorEntry(file: path(), tensor: "a", reason: "entry must be an object, found an array")) {
            try open(bytes)
        }
    }

    @Test func unknownDType() {
        let bytes = safetensorsBytes(header: #"{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, data: eightBytes)
        #expect(throws: SafetensorsError.unknownDType(file: path(), tensor: "a", dtype: "F33")) { try open(bytes) }
    }

    @Test func shapeAndSizeMismatch() {
        let bytes = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eightBytes)
        #expect(throws: SafetensorsError.sizeMismatch(file: path(), tensor: "a", dtype: "F32", shape: [3], expectedBytes: 12, actualBytes: 8)) {
            try open(bytes)
        }
    }

    @Test func shapeWhoseElementCountOverflows() {
        let header = #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#
        let error = #expect(throws: SafetensorsError.self) { try open(safetensorsBytes(header: header, data: eightBytes)) }
        guard case .invalidTensorEntry(_, "a", let reason) = error else {
            Issue.record("expected invalidTensorEntry, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("overflows"))
    }

    @Test func offsetsBeyondTheData() {
        let bytes = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, data: eightBytes)
        #expect(throws: SafetensorsError.offsetsOutOfRange(file: path(), tensor: "a", begin: 8, end: 16, dataSize: 8)) {
            try open(bytes)
        }
    }

    @Test func offsetsBackwards() {
        let bytes = safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: eightBytes)
        #expect(throws: SafetensorsError.offsetsOutOfRange(file: path(), tensor: "a", begin: 8, end: 0, dataSize: 8)) {
            try open(bytes)
        }
    }

    @Test func overlappingTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(throws: SafetensorsError.overlappingTensors(file: path(), first: "a", second: "b")) {
            try open(safetensorsBytes(header: header, data: eightBytes))
        }
    }

    @Test func holeBetweenTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        #expect(throws: SafetensorsError.holeInData(file: path(), before: "b", offset: 4, size: 4)) {
            try open(safetensorsBytes(header: header, data: [UInt8](repeating: 0, count: 12)))
        }
    }

    @Test func unusedBytesAfterTheLastTensor() {
        #expect(throws: SafetensorsError.unusedTrailingData(file: path(), used: 8, dataSize: 12)) {
            try open(safetensorsBytes(header: "{\(goodEntry)}", data: [UInt8](repeating: 0, count: 12)))
        }
    }

    @Test func duplicateTensorNames() {
        let header = "{\(goodEntry),\(goodEntry)}"
        #expect(throws: SafetensorsError.duplicateTensorName(file: path(), name: "a")) {
            try open(safetensorsBytes(header: header, data: eightBytes))
        }
    }

    @Test func duplicateFieldInsideAnEntryIsInvalidJSONNotADuplicateName() {
        let header = #"{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let error = #expect(throws: SafetensorsError.self) { try open(safetensorsBytes(header: header, data: eightBytes)) }
        guard case .invalidHeaderJSON(_, let reason) = error else {
            Issue.record("expected invalidHeaderJSON, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("duplicate key \"dtype\""))
    }

    @Test func metadataWithNonStringValue() {
        let header = #"{"__metadata__":{"format":1},"# + goodEntry + "}"
        #expect(throws: SafetensorsError.invalidMetadata(file: path(), reason: "value of \"format\" must be a string, found an integer")) {
            try open(safetensorsBytes(header: header, data: eightBytes))
        }
    }

    @Test func pickleByExtensionIsRefusedWithTheReason() {
        let error = #expect(throws: SafetensorsError.self) {
            try open(safetensorsBytes(header: "{}", data: []), name: "pytorch_model.bin")
        }
        #expect(error == .pickleCheckpointRefused(file: path("pytorch_model.bin")))
        #expect(error?.description.contains("arbitrary code") == true)
    }

    @Test func pickleByContentIsRefused() {
        // A protocol-2 pickle stream: PROTO 2, then opcodes; the name looks harmless.
        let pickle: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E, 0x00, 0x00, 0x00, 0x00]
        #expect(throws: SafetensorsError.pickleCheckpointRefused(file: path("weights.safetensors"))) {
            try open(pickle, name: "weights.safetensors")
        }
    }

    @Test func pickleOnlyDirectoryIsRefused() {
        _ = directory.file("pytorch_model.bin", bytes: [0x80, 0x02])
        #expect(throws: SafetensorsError.pickleCheckpointRefused(file: path("pytorch_model.bin"))) {
            try SafetensorsCheckpoint(directory: directory.url)
        }
    }

    @Test func unsupportedDTypeOpensButCannotBeReadAsFloats() throws {
        let bytes = safetensorsBytes(header: #"{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: eightBytes)
        let file = try open(bytes)
        #expect(try file.info("ids").dtype == .i64)
        #expect(throws: SafetensorsError.unsupportedDType(file: path(), tensor: "ids", dtype: "I64")) {
            try file.floats("ids")
        }
    }

    @Test func missingTensor() throws {
        let file = try open(safetensorsBytes(header: "{\(goodEntry)}", data: eightBytes))
        #expect(throws: SafetensorsError.tensorNotFound(file: path(), tensor: "b")) { try file.floats("b") }
    }
}
