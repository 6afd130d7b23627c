import Foundation
import TensorCore

/// Where the run is in its data: the epoch and the index of the next pair in that epoch's
/// shuffled order (`DataOrder`).
public struct DataPosition: Sendable, Equatable {
    public var epoch: Int
    public var index: Int

    public init(epoch: Int, index: Int) {
        self.epoch = epoch
        self.index = index
    }
}

/// Everything a DPO run needs to continue bit for bit: the trainable weights, AdamW's moments
/// and step, the RNG state (dropout) and the data position, after `step` optimiser steps.
/// `pairsDigest` identifies the pairs (and their order) the run trains on.
public struct TrainingCheckpoint: Sendable {
    public var step: Int
    public var position: DataPosition
    public var random: SeededRandom.State
    public var pairsDigest: UInt64
    /// Parameter values by name.
    public var parameters: [String: Tensor]
    public var optimizer: AdamWState

    public init(step: Int, position: DataPosition, random: SeededRandom.State, pairsDigest: UInt64,
                parameters: [String: Tensor], optimizer: AdamWState) {
        self.step = step
        self.position = position
        self.random = random
        self.pairsDigest = pairsDigest
        self.parameters = parameters
        self.optimizer = optimizer
    }

    static let magic = Array("COLLATE-DPO-CHECKPOINT-1\n".utf8)

    /// The file: magic; step, epoch, index; 4 RNG words, a spare-normal flag and its bits;
    /// the pairs digest; the parameters sorted by name (name, rank, dims, Float32 values); the
    /// AdamW state blob; then an FNV-1a checksum of everything before it. All little-endian.
    public func encoded() -> [UInt8] {
        var writer = CheckpointByteWriter()
        writer.append(Self.magic)
        writer.append(step)
        writer.append(position.epoch)
        writer.append(position.index)
        for word in random.words { writer.append(word) }
        writer.append(random.spareNormal == nil ? 0 : 1)
        writer.append(random.spareNormal?.bitPattern ?? 0)
        writer.append(pairsDigest)
        writer.append(parameters.count)
        for name in parameters.keys.sorted() {
            let tensor = parameters[name]!
            writer.append(name)
            writer.append(tensor.shape.count)
            for dimension in tensor.shape { writer.append(dimension) }
            writer.append(tensor.littleEndianBytes(encoding: .float32))
        }
        writer.appendBlock(optimizer.serialized())
        writer.append(CheckpointChecksum.of(writer.bytes, count: writer.bytes.count))
        return writer.bytes
    }

    /// Decodes `bytes`; every failure is a `reason` for `TrainingError.corruptCheckpoint`.
    init(decoding bytes: [UInt8]) throws(CheckpointByteReader.Failure) {
        typealias Failure = CheckpointByteReader.Failure
        guard bytes.count >= Self.magic.count + 8, bytes.starts(with: Self.magic) else {
            throw Failure(reason: "not a collate DPO checkpoint (the file does not start with the expected magic)")
        }
        let body = bytes.count - 8
        var checksumReader = CheckpointByteReader(bytes, from: body, end: bytes.count)
        let stored = try checksumReader.word("checksum")
        guard stored == CheckpointChecksum.of(bytes, count: body) else {
            throw Failure(reason: "checksum mismatch (the file was changed or cut short)")
        }
        var reader = CheckpointByteReader(bytes, from: Self.magic.count, end: body)
        step = Int(try reader.count("step", atMost: Int.max))
        position = DataPosition(epoch: try reader.count("epoch", atMost: Int.max),
                                index: try reader.count("data index", atMost: Int.max))
        var words: [UInt64] = []
        for i in 0..<4 { words.append(try reader.word("RNG word \(i)")) }
        let hasSpare = try reader.word("RNG spare flag")
        let spareBits = try reader.word("RNG spare normal")
        guard hasSpare <= 1 else { throw Failure(reason: "RNG spare flag is \(hasSpare)") }
        random = SeededRandom.State(words: words, spareNormal: hasSpare == 1 ? Double(bitPattern: spareBits) : nil)
        pairsDigest = try reader.word("pairs digest")
        let parameterCount = try reader.count("parameter count", atMost: body)
        var parameters: [String: Tensor] = [:]
        for _ in 0..<parameterCount {
            let name = try reader.string("parameter name")
            let rank = try reader.count("rank of \(name)", atMost: 8)
            var shape: [Int] = []
            var elements = 1
            for _ in 0..<rank {
                let dimension = try reader.count("shape of \(name)", atMost: body)
                shape.append(dimension)
                elements = elements.multipliedReportingOverflow(by: dimension).partialValue
                guard elements <= body / 4 else { throw Failure(reason: "\(name) has shape \(shape), larger than the file") }
            }
            let raw = try reader.raw(elements * 4, "values of \(name)")
            guard parameters[name] == nil else { throw Failure(reason: "parameter \(name) appears twice") }
            do {
                parameters[name] = try raw.withUnsafeBytes { try Tensor(littleEndianBytes: $0, encoding: .float32, shape: shape) }
            } catch {
                throw Failure(reason: "values of \(name): \(error)")
            }
        }
        self.parameters = parameters
        let optimizerBytes = try reader.block("optimizer state")
        do {
            optimizer = try AdamWState(serialized: optimizerBytes)
        } catch {
            throw Failure(reason: "\(error)")
        }
        guard reader.isAtEnd else { throw Failure(reason: "\(body - reader.offset) unexpected bytes before the checksum") }
    }
}
