/// The ggml tensor types a GGUF file can name, with their block geometry: a row of `ne[0]`
/// elements is stored as `ne[0] / blockSize` blocks of `blockBytes` bytes each. All known ids
/// are listed so that sizes of any file can be checked; `isDequantizable` says which we decode.
public enum GGMLType: UInt32, Sendable, CaseIterable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_xxs = 16, iq2_xs = 17, iq3_xxs = 18, iq1_s = 19, iq4_nl = 20, iq3_s = 21, iq2_s = 22, iq4_xs = 23
    case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_m = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35

    /// Elements per block (1 for plain scalar types).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .i8, .i16, .i32, .i64, .f64: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_nl: 32
        default: 256  // the K-quants, the 256-element i-quants and the ternary types
        }
    }

    /// Bytes per block (ggml's `type_size`).
    public var blockBytes: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8: 1
        case .i64, .f64: 8
        case .q4_0: 18
        case .q4_1: 20
        case .q5_0: 22
        case .q5_1: 24
        case .q8_0: 34
        case .q8_1: 36
        case .q2_K: 84
        case .q3_K: 110
        case .q4_K: 144
        case .q5_K: 176
        case .q6_K: 210
        case .q8_K: 292
        case .iq2_xxs: 66
        case .iq2_xs: 74
        case .iq3_xxs: 98
        case .iq1_s: 50
        case .iq4_nl: 18
        case .iq3_s: 110
        case .iq2_s: 82
        case .iq4_xs: 136
        case .iq1_m: 56
        case .tq1_0: 54
        case .tq2_0: 66
        }
    }

    /// The name ggml and llama.cpp print ("Q4_K", "F16", ...).
    public var name: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .bf16: "BF16"
        case .f64: "F64"
        default: String(describing: self).uppercased()
        }
    }

    /// The types `GGUFDequantizer` decodes to Float.
    public var isDequantizable: Bool {
        switch self {
        case .f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q4_K, .q6_K: true
        default: false
        }
    }

    /// Bytes of a tensor of `rowLength` x `rows` elements; nil if the row is not a whole
    /// number of blocks or the size overflows.
    public func byteCount(rowLength: Int, rows: Int) -> Int? {
        guard rowLength % blockSize == 0 else { return nil }
        let (rowBytes, o1) = (rowLength / blockSize).multipliedReportingOverflow(by: blockBytes)
        let (total, o2) = rowBytes.multipliedReportingOverflow(by: rows)
        return o1 || o2 ? nil : total
    }
}
