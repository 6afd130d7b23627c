/// Everything that can be wrong with a safetensors checkpoint. Every case carries the file it
/// concerns, and `description` says what is wrong in words a user can act on.
public enum SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileTooShort(file: String, size: Int)
    case headerTooLarge(file: String, headerLength: UInt64, limit: Int)
    case headerBeyondFile(file: String, headerLength: UInt64, fileSize: Int)
    case headerNotJSONObject(file: String)
    case invalidHeaderJSON(file: String, reason: String)
    case duplicateTensorName(file: String, name: String)
    case invalidTensorEntry(file: String, tensor: String, reason: String)
    case unknownDType(file: String, tensor: String, dtype: String)
    case sizeMismatch(file: String, tensor: String, dtype: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    case overlappingTensors(file: String, first: String, second: String)
    case holeInData(file: String, before: String, offset: Int, size: Int)
    case unusedTrailingData(file: String, used: Int, dataSize: Int)
    case invalidMetadata(file: String, reason: String)
    case tensorNotFound(file: String, tensor: String)
    case unsupportedDType(file: String, tensor: String, dtype: String)
    case pickleCheckpointRefused(file: String)
    case noCheckpoint(directory: String)
    case invalidIndex(file: String, reason: String)
    case ioFailure(file: String, reason: String)
    case invalidTensorToWrite(file: String, tensor: String, reason: String)
    /// A float tensor holds a NaN or an infinity (at element `index`, row-major).
    case nonFiniteValue(file: String, tensor: String, index: Int)

    public var description: String {
        switch self {
        case .fileTooShort(let file, let size):
            "\(file): \(size) bytes is too short for a safetensors file (needs at least the 8-byte header length)"
        case .headerTooLarge(let file, let length, let limit):
            "\(file): header length \(length) exceeds the \(limit)-byte limit"
        case .headerBeyondFile(let file, let length, let size):
            "\(file): header length \(length) runs past the end of the \(size)-byte file (truncated or not safetensors)"
        case .headerNotJSONObject(let file):
            "\(file): header is not a JSON object (it must start with '{')"
        case .invalidHeaderJSON(let file, let reason):
            "\(file): header is not valid JSON: \(reason)"
        case .duplicateTensorName(let file, let name):
            "\(file): tensor name \"\(name)\" appears more than once in the header"
        case .invalidTensorEntry(let file, let tensor, let reason):
            "\(file): tensor \"\(tensor)\": \(reason)"
        case .unknownDType(let file, let tensor, let dtype):
            "\(file): tensor \"\(tensor)\" has unknown dtype \"\(dtype)\""
        case .sizeMismatch(let file, let tensor, let dtype, let shape, let expected, let actual):
            "\(file): tensor \"\(tensor)\" (\(dtype) \(shape)) needs \(expected) bytes but its data_offsets span \(actual)"
        case .offsetsOutOfRange(let file, let tensor, let begin, let end, let dataSize):
            "\(file): tensor \"\(tensor)\" data_offsets [\(begin), \(end)] lie outside the \(dataSize)-byte data buffer"
        case .overlappingTensors(let file, let first, let second):
            "\(file): tensors \"\(first)\" and \"\(second)\" overlap in the data buffer"
        case .holeInData(let file, let before, let offset, let size):
            "\(file): \(size) unused bytes at data offset \(offset), before tensor \"\(before)\" (the format allows no holes)"
        case .unusedTrailingData(let file, let used, let dataSize):
            "\(file): tensors use \(used) of the \(dataSize) data bytes; the rest is unaccounted for"
        case .invalidMetadata(let file, let reason):
            "\(file): __metadata__ \(reason)"
        case .tensorNotFound(let file, let tensor):
            "\(file): no tensor named \"\(tensor)\""
        case .unsupportedDType(let file, let tensor, let dtype):
            "\(file): tensor \"\(tensor)\" has dtype \(dtype); only F32, F16 and BF16 can be read as floats"
        case .pickleCheckpointRefused(let file):
            "\(file): refusing to load a pickle-based checkpoint (.bin/.pt): unpickling can run arbitrary code. "
                + "Convert it to safetensors first."
        case .noCheckpoint(let directory):
            "\(directory): no model.safetensors or model.safetensors.index.json found"
        case .invalidIndex(let file, let reason):
            "\(file): \(reason)"
        case .ioFailure(let file, let reason):
            "\(file): \(reason)"
        case .invalidTensorToWrite(let file, let tensor, let reason):
            "\(file): cannot write tensor \"\(tensor)\": \(reason)"
        case .nonFiniteValue(let file, let tensor, let index):
            "\(file): tensor \"\(tensor)\" holds a NaN or infinity (element \(index)): refusing weights that would compute garbage"
        }
    }
}
