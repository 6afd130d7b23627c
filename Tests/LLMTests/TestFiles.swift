import Foundation
import TestSupport

/// Safetensors bytes built by hand: 8-byte little-endian length, header, data. The length can
/// be overridden to lie about the header.
func safetensorsBytes(header: String, data: [UInt8], claimedHeaderLength: UInt64? = nil) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    let length = claimedHeaderLength ?? UInt64(headerBytes.count)
    return withUnsafeBytes(of: length.littleEndian) { Array($0) } + headerBytes + data
}

func littleEndianBytes(_ floats: [Float]) -> [UInt8] {
    floats.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}
