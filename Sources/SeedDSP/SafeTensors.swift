import Foundation

/// Float32 tensors read from the safetensors format (huggingface/safetensors: an 8-byte
/// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range,
/// then the raw little-endian data).
public struct SafeTensors: Sendable {
    public struct Tensor: Sendable {
        public var shape: [Int]
        public var values: [Float]
    }
    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    /// Why a weight file could not be read.
    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(bytes: [UInt8]) throws {
        func fail(_ why: String) -> FormatError { FormatError(description: "not a safetensors file: \(why)") }
        guard bytes.count >= 8 else { throw fail("too short") }
        var length = 0
        for i in 0..<8 { length |= Int(bytes[i]) << (8 * i) }
        guard length > 0, 8 + length <= bytes.count else { throw fail("header length \(length)") }
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any] else {
            throw fail("header is not JSON")
        }
        let dataStart = 8 + length
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let range = entry["data_offsets"] as? [Int], range.count == 2 else {
                throw fail("entry \(name)")
            }
            guard dtype == "F32" else { throw fail("\(name) is \(dtype), only F32 is read") }
            let count = shape.reduce(1, *)
            let lo = dataStart + range[0], hi = dataStart + range[1]
            guard range[0] <= range[1], hi <= bytes.count, hi - lo == 4 * count else { throw fail("\(name)'s bytes") }
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let o = lo + 4 * i
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor `name`, checked to have `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let t = tensors[name] else { throw FormatError(description: "weights lack \(name)") }
        guard t.shape == shape else { throw FormatError(description: "\(name) has shape \(t.shape), expected \(shape)") }
        return t.values
    }
}
