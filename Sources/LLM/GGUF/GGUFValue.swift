/// A GGUF metadata value, one case per value type of the format (type ids in `typeID`).
/// Arrays hold values of one type; an array of arrays is allowed (gguf-py writes them).
public indirect enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16)
    case uint32(UInt32), int32(Int32), uint64(UInt64), int64(Int64)
    case float32(Float), float64(Double), bool(Bool), string(String)
    /// `elementType` is the declared type id of the elements (kept for empty arrays).
    case array(elementType: GGUFValueType, [GGUFValue])

    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// Any integer type whose value fits `Int` (a UInt64 past Int.max is nil, not a trap).
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// Either float type, or an integer (converters write e.g. rope.freq_base either way).
    public var doubleValue: Double? {
        switch self {
        // The shortest decimal that reads back as the same Float (1e-05, not 9.99999974e-06):
        // the same Float32 either way, and config.json reads as the original did.
        case .float32(let v): Double("\(v)") ?? Double(v)
        case .float64(let v): v
        default: intValue.map(Double.init)
        }
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var arrayValue: [GGUFValue]? { if case .array(_, let a) = self { a } else { nil } }

    /// "uint32", "array of string", ... for error messages.
    public var typeDescription: String {
        if case .array(let element, _) = self { return "array of \(element.name)" }
        return type.name
    }
}

/// The value type ids of the GGUF format.
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6
    case bool = 7, string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value of a fixed-size type; nil for string and array.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes one value can take (a string is at least its 8-byte length, an array
    /// its 4-byte type and 8-byte count): bounds an element count before anything is allocated.
    public var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    public var name: String { String(describing: self) }
}
