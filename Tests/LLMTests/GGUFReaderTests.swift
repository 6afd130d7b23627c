import Foundation
import Testing
import TensorCore
@testable import LLM
import TestSupport

/// The GGUF header reader: every value type, tensor infos, alignment, and one test per way
/// a file can be wrong (each error names the file and the key or tensor).
@Suite struct GGUFReaderTests {
    let directory = try! TemporaryDirectory()  // a suite property cannot throw; creating a temp dir does not fail in practice

    private func open(_ file: GGUFTestFile) throws(GGUFError) -> GGUFFile {
        try GGUFFile(url: file.write(to: directory))
    }

    private var path: String { directory.url.appendingPathComponent("model.gguf").path }

    static let everyType: [(String, GGUFValue)] = [
        ("u8", .uint8(200)), ("i8", .int8(-7)), ("u16", .uint16(65000)), ("i16", .int16(-300)),
        ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000)), ("u64", .uint64(1 << 40)), ("i64", .int64(-(1 << 40))),
        ("f32", .float32(0.1)), ("f64", .float64(-2.5e-300)), ("yes", .bool(true)), ("no", .bool(false)),
        ("text", .string("héllo 🙂")), ("empty", .array(elementType: .int32, [])),
        ("ints", .array(elementType: .int32, [.int32(1), .int32(-2)])),
        ("nested", .array(elementType: .array, [
            .array(elementType: .string, [.string("a"), .string("")]),
            .array(elementType: .float64, [.float64(1.5)]),
        ])),
    ]

    @Test(arguments: [UInt32(2), 3])
    func metadataOfEveryValueTypeReadsBack(version: UInt32) throws {
        var file = GGUFTestFile()
        file.version = version
        for (key, value) in Self.everyType { file.add(key, value) }
        let gguf = try open(file)
        #expect(gguf.header.version == version)
        #expect(gguf.header.metadata.map(\.key) == Self.everyType.map(\.0))
        for (key, value) in Self.everyType { #expect(gguf.value(key) == value, "\(key)") }
        #expect(gguf.header.tensors.isEmpty && gguf.header.alignment == 32)
        #expect(try gguf.int("u64") == 1 << 40 && gguf.value("f32")?.doubleValue == 0.1)
        #expect(throws: GGUFError.wrongKeyType(file: path, key: "text", expected: "an integer", found: "string")) { try gguf.int("text") }
        #expect(throws: GGUFError.missingKey(file: path, key: "absent")) { try gguf.string("absent") }
    }

    @Test func tensorsOfOddShapesAndTheirData() throws {
        var file = GGUFTestFile()
        let values = (0..<30).map { Float($0) * 0.5 - 3 }
        file.addF32("odd", shape: [2, 5, 3], values)
        file.addTensor("half", .f16, dimensions: [7], data: (0..<7).flatMap { f16Bytes(Float($0) - 3.25) })
        file.addTensor("brain", .bf16, dimensions: [1, 3], data: [0x80, 0x3F, 0x00, 0xC0, 0x49, 0x40])  // 1, -2, 3.140625
        file.addTensor("empty", .f32, dimensions: [0, 4], data: [])
        let gguf = try open(file)
        let odd = try gguf.info("odd")
        #expect(odd.dimensions == [3, 5, 2] && odd.shape == [2, 5, 3] && odd.byteCount == 120 && odd.offset == 0)
        #expect(try gguf.floats("odd") == values)
        #expect(try gguf.info("half").offset == 128)  // 120 padded to 32
        #expect(try gguf.floats("half") == (0..<7).map { Float($0) - 3.25 })
        #expect(try gguf.floats("brain") == [1, -2, 3.140625])
        #expect(try gguf.floats("empty") == [])
        #expect(gguf.header.dataStart % 32 == 0)
    }

    @Test func declaredAlignmentIsUsed() throws {
        var file = GGUFTestFile()
        file.alignment = 64
        file.add("general.alignment", .uint32(64))
        file.addF32("a", shape: [3], [1, 2, 3])
        file.addF32("b", shape: [2], [4, 5])
        let gguf = try open(file)
        #expect(gguf.header.alignment == 64 && gguf.header.dataStart % 64 == 0)
        #expect(try gguf.info("b").offset == 64 && gguf.floats("b") == [4, 5])
    }

    @Test func wrongAlignments() throws {
        var misaligned = GGUFTestFile()
        misaligned.addF32("a", shape: [3], [1, 2, 3])
        misaligned.addF32("b", shape: [2], [4, 5])
        misaligned.tensors[1].offset = 16
        #expect(throws: GGUFError.invalidTensorInfo(file: path, tensor: "b", reason: "data offset 16 is not a multiple of the alignment 32")) {
            try open(misaligned)
        }
        var notPowerOfTwo = GGUFTestFile()
        notPowerOfTwo.add("general.alignment", .uint32(48))
        #expect(throws: GGUFError.badAlignment(file: path, reason: "is 48; it must be a power of two")) { try open(notPowerOfTwo) }
        var zero = GGUFTestFile()
        zero.add("general.alignment", .uint32(0))
        #expect(throws: GGUFError.badAlignment(file: path, reason: "is 0; it must be a power of two")) { try open(zero) }
        var wrongType = GGUFTestFile()
        wrongType.add("general.alignment", .uint64(32))
        #expect(throws: GGUFError.badAlignment(file: path, reason: "must be a uint32, found uint64")) { try open(wrongType) }
    }

    @Test func truncatedTensorAndOffsetPastTheEnd() throws {
        var truncated = GGUFTestFile()
        truncated.addF32("w", shape: [8], Array(repeating: 1, count: 8))
        truncated.truncateBy = 4
        #expect(throws: GGUFError.tensorOutOfRange(file: path, tensor: "w", offset: 0, bytes: 32, dataSize: 28)) { try open(truncated) }
        var past = GGUFTestFile()
        past.addF32("a", shape: [8], Array(repeating: 1, count: 8))
        past.addF32("far", shape: [1], [1])
        past.tensors[1].offset = 1 << 20
        let error = #expect(throws: GGUFError.self) { try open(past) }
        guard case .tensorOutOfRange(_, "far", 1 << 20, 4, _) = error else { Issue.record("\(String(describing: error))"); return }
        var huge = GGUFTestFile()
        huge.addF32("h", shape: [1], [1])
        huge.tensors[0].offset = UInt64.max - 31
        #expect(throws: GGUFError.self) { try open(huge) }
    }

    @Test func badMagicAndVersions() throws {
        var bytes = GGUFTestFile().bytes
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: GGUFError.badMagic(file: path, found: Array("XGUF".utf8))) { try GGUFFile(url: directory.file("model.gguf", bytes: bytes)) }
        #expect(throws: GGUFError.badMagic(file: path, found: [])) { try GGUFFile(url: directory.file("model.gguf", bytes: [])) }
        var v1 = GGUFTestFile()
        v1.version = 1
        #expect(throws: GGUFError.unsupportedVersion(file: path, version: 1)) { try open(v1) }
        var bigEndian = GGUFTestFile()
        bigEndian.version = UInt32(3).byteSwapped
        let error = #expect(throws: GGUFError.self) { try open(bigEndian) }
        #expect(error?.description == "\(path): a big-endian GGUF file (version 3); only little-endian files are supported")
    }

    @Test func duplicatesAreRefusedByName() throws {
        var keys = GGUFTestFile()
        keys.add("general.name", .string("a"))
        keys.add("general.name", .string("b"))
        #expect(throws: GGUFError.duplicateKey(file: path, key: "general.name")) { try open(keys) }
        var tensors = GGUFTestFile()
        tensors.addF32("w", shape: [1], [1])
        tensors.addF32("w", shape: [1], [2])
        #expect(throws: GGUFError.duplicateTensorName(file: path, tensor: "w")) { try open(tensors) }
        var overlap = GGUFTestFile()
        overlap.addF32("a", shape: [16], Array(repeating: 1, count: 16))
        overlap.addF32("b", shape: [8], Array(repeating: 2, count: 8))
        overlap.tensors[1].offset = 32
        overlap.addF32("pad", shape: [32], Array(repeating: 0, count: 32))  // keeps the file long enough
        #expect(throws: GGUFError.overlappingTensors(file: path, first: "a", second: "b")) { try open(overlap) }
    }

    @Test func malformedValuesNameTheirKey() throws {
        var bool = GGUFTestFile()
        bool.add("flag", .bool(true))
        var bytes = bool.bytes
        // The bool's byte is the last of the header before padding: find it after the key.
        let keyEnd = 4 + 4 + 8 + 8 + 8 + 4 + 4
        #expect(bytes[keyEnd] == 1)
        bytes[keyEnd] = 2
        #expect(throws: GGUFError.invalidValue(file: path, key: "flag", reason: "bool byte 2 is neither 0 nor 1")) {
            try GGUFFile(url: directory.file("model.gguf", bytes: bytes))
        }
        var type = GGUFTestFile()
        type.add("k", .uint8(1))
        var typeBytes = type.bytes
        typeBytes[4 + 4 + 8 + 8 + 8 + 1] = 99  // the value type id of "k"
        #expect(throws: GGUFError.unknownValueType(file: path, key: "k", type: 99)) {
            try GGUFFile(url: directory.file("model.gguf", bytes: typeBytes))
        }
        var blocks = GGUFTestFile()
        blocks.addTensor("q", .q8_0, dimensions: [31], data: [UInt8](repeating: 0, count: 34))
        #expect(throws: GGUFError.invalidTensorInfo(file: path, tensor: "q", reason: "row length 31 is not a multiple of Q8_0's block of 32")) {
            try open(blocks)
        }
        var rank = GGUFTestFile()
        rank.addTensor("r", .f32, dimensions: [1, 1, 1, 1, 1], data: [0, 0, 0, 0])
        #expect(throws: GGUFError.invalidTensorInfo(file: path, tensor: "r", reason: "has 5 dimensions (1 to 4 allowed)")) { try open(rank) }
        var unknown = GGUFTestFile()
        unknown.tensors.append(.init(name: "u", type: 77, dimensions: [1], data: [0], offset: nil))
        #expect(throws: GGUFError.unknownTensorType(file: path, tensor: "u", type: 77)) { try open(unknown) }
        var quant = GGUFTestFile()
        quant.addTensor("k2", .q2_K, dimensions: [256], data: [UInt8](repeating: 0, count: 84))
        let opened = try open(quant)
        #expect(throws: GGUFError.unsupportedTensorType(file: path, tensor: "k2", type: "Q2_K")) { try opened.floats("k2") }
    }

    @Test func lengthsAndCountsBeyondTheFileAreRefusedBeforeAllocating() throws {
        var string = GGUFTestFile()
        string.add("s", .string("abc"))
        var bytes = string.bytes
        let lengthAt = 4 + 4 + 8 + 8 + 8 + 1 + 4
        bytes.replaceSubrange(lengthAt..<lengthAt + 8, with: le(UInt64(1) << 60))
        let error = #expect(throws: GGUFError.self) { try GGUFFile(url: directory.file("model.gguf", bytes: bytes)) }
        guard case .truncated(_, _, _, let what) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(what == "value of \"s\"")
        var array = GGUFTestFile()
        array.add("a", .array(elementType: .uint64, [.uint64(1)]))
        var arrayBytes = array.bytes
        let countAt = 4 + 4 + 8 + 8 + 8 + 1 + 4 + 4
        arrayBytes.replaceSubrange(countAt..<countAt + 8, with: le(UInt64.max))
        #expect(throws: GGUFError.self) { try GGUFFile(url: directory.file("model.gguf", bytes: arrayBytes)) }
        var tensors = GGUFTestFile().bytes
        tensors.replaceSubrange(8..<16, with: le(UInt64(1) << 62))
        #expect(throws: GGUFError.self) { try GGUFFile(url: directory.file("model.gguf", bytes: tensors)) }
    }

    /// 1000 seeded mutants of a valid file (byte flips, overwritten words, truncations in the
    /// header): each must open or throw a GGUFError, and an opened one must dequantize.
    @Test func mutatedHeadersThrowOrOpenNeverCrash() throws {
        var file = GGUFTestFile()
        file.add("general.architecture", .string("llama"))
        file.add("general.alignment", .uint32(32))
        file.add("list", .array(elementType: .array, [.array(elementType: .uint16, [.uint16(3)])]))
        file.add("tokens", .array(elementType: .string, [.string("a"), .string("bc")]))
        file.addF32("w", shape: [2, 3], [1, 2, 3, 4, 5, 6])
        file.addTensor("q", .q4_K, dimensions: [256], data: [UInt8](repeating: 7, count: 144))
        file.addTensor("s", .q6_K, dimensions: [256, 1], data: [UInt8](repeating: 9, count: 210))
        let original = file.bytes
        let headerEnd = try GGUFHeader.parse(file: original.withUnsafeBytes { UnsafeRawBufferPointer($0) }, path: "x").dataStart
        var rng = SeededRandom(seed: 19)
        var opened = 0
        for index in 0..<1000 {
            var bytes = original
            switch index % 4 {
            case 0:  // flip a few bytes
                for _ in 0..<(1 + rng.integer(below: 4)) { bytes[rng.integer(below: headerEnd)] ^= UInt8(1 + rng.integer(below: 255)) }
            case 1:  // overwrite a 64-bit word with an extreme value
                let at = rng.integer(below: headerEnd - 8)
                let extremes: [UInt64] = [0, 1, UInt64.max, UInt64(Int64.max), 1 << 32, 255]
                bytes.replaceSubrange(at..<at + 8, with: le(extremes[rng.integer(below: extremes.count)]))
            case 2:  // truncate
                bytes = Array(bytes.prefix(rng.integer(below: bytes.count)))
            default:  // set one byte to a small type-like id
                bytes[rng.integer(below: headerEnd)] = UInt8(rng.integer(below: 14))
            }
            do {
                let gguf = try GGUFFile(url: directory.file("mutant.gguf", bytes: bytes))
                for tensor in gguf.header.tensors where tensor.type.isDequantizable {
                    #expect(try gguf.floats(tensor.name).count == tensor.elementCount)
                }
                opened += 1
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        #expect(opened > 0 && opened < 1000)
    }
}
