/// Everything that can be wrong with a GGUF file. Every case names the file, and the key or
/// tensor it concerns where there is one; `description` says what is wrong in words a user
/// can act on. The reader throws these for any input, never traps.
public enum GGUFError: Error, Sendable, Equatable, CustomStringConvertible {
    case ioFailure(file: String, reason: String)
    case badMagic(file: String, found: [UInt8])
    case unsupportedVersion(file: String, version: UInt32)
    /// The header claims more than the file holds (or a count no file could hold).
    case truncated(file: String, offset: Int, needed: Int, what: String)
    case invalidString(file: String, offset: Int, what: String)
    case unknownValueType(file: String, key: String, type: UInt32)
    case invalidValue(file: String, key: String, reason: String)
    case duplicateKey(file: String, key: String)
    case badAlignment(file: String, reason: String)
    case duplicateTensorName(file: String, tensor: String)
    case invalidTensorInfo(file: String, tensor: String, reason: String)
    case unknownTensorType(file: String, tensor: String, type: UInt32)
    case tensorOutOfRange(file: String, tensor: String, offset: UInt64, bytes: Int, dataSize: Int)
    case overlappingTensors(file: String, first: String, second: String)
    case tensorNotFound(file: String, tensor: String)
    case unsupportedTensorType(file: String, tensor: String, type: String)
    case missingKey(file: String, key: String)
    case wrongKeyType(file: String, key: String, expected: String, found: String)
    case unsupportedModel(file: String, reason: String)
    case tensorShapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .ioFailure(let file, let reason): "\(file): \(reason)"
        case .badMagic(let file, let found):
            "\(file): not a GGUF file (magic \(found.map { String($0, radix: 16) }) instead of \"GGUF\")"
        case .unsupportedVersion(let file, let version):
            // A big-endian file (gguf-py's --bigendian) shows its version byte-swapped.
            version.byteSwapped == 2 || version.byteSwapped == 3
                ? "\(file): a big-endian GGUF file (version \(version.byteSwapped)); only little-endian files are supported"
                : "\(file): GGUF version \(version) is not supported (only 2 and 3)"
        case .truncated(let file, let offset, let needed, let what):
            "\(file): \(what) at byte \(offset) needs \(needed) bytes past the end of the file (truncated or corrupt)"
        case .invalidString(let file, let offset, let what):
            "\(file): \(what) at byte \(offset) is not valid UTF-8"
        case .unknownValueType(let file, let key, let type):
            "\(file): metadata \"\(key)\" has unknown value type \(type)"
        case .invalidValue(let file, let key, let reason):
            "\(file): metadata \"\(key)\": \(reason)"
        case .duplicateKey(let file, let key):
            "\(file): metadata key \"\(key)\" appears more than once"
        case .badAlignment(let file, let reason):
            "\(file): general.alignment \(reason)"
        case .duplicateTensorName(let file, let tensor):
            "\(file): tensor name \"\(tensor)\" appears more than once"
        case .invalidTensorInfo(let file, let tensor, let reason):
            "\(file): tensor \"\(tensor)\": \(reason)"
        case .unknownTensorType(let file, let tensor, let type):
            "\(file): tensor \"\(tensor)\" has unknown ggml type \(type)"
        case .tensorOutOfRange(let file, let tensor, let offset, let bytes, let dataSize):
            "\(file): tensor \"\(tensor)\" (\(bytes) bytes at data offset \(offset)) runs past the end of the \(dataSize)-byte data section (truncated?)"
        case .overlappingTensors(let file, let first, let second):
            "\(file): tensors \"\(first)\" and \"\(second)\" overlap in the data section"
        case .tensorNotFound(let file, let tensor):
            "\(file): no tensor named \"\(tensor)\""
        case .unsupportedTensorType(let file, let tensor, let type):
            "\(file): tensor \"\(tensor)\" is \(type); only F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K and Q6_K can be dequantized"
        case .missingKey(let file, let key):
            "\(file): missing metadata \"\(key)\""
        case .wrongKeyType(let file, let key, let expected, let found):
            "\(file): metadata \"\(key)\" must be \(expected), found \(found)"
        case .unsupportedModel(let file, let reason):
            "\(file): \(reason)"
        case .tensorShapeMismatch(let file, let tensor, let expected, let found):
            "\(file): tensor \"\(tensor)\" has shape \(found) (ggml order), the metadata implies \(expected)"
        }
    }
}
