/// A small DEFLATE decoder (RFC 1951) for the tests: stored blocks and the fixed Huffman code,
/// which is all seed's PNG writer emits; a dynamic-code block is reported, not guessed.
public enum Inflate {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The data of a zlib stream (RFC 1950), its Adler-32 checked.
    public static func zlib(_ z: [UInt8]) throws -> [UInt8] {
        guard z.count >= 6, (Int(z[0]) << 8 | Int(z[1])) % 31 == 0, z[0] & 0x0f == 8 else { throw Failure(description: "not a zlib header") }
        var reader = BitReader(bytes: z, position: 2)
        var out: [UInt8] = []
        var final = 0
        repeat {
            final = try reader.bits(1)
            switch try reader.bits(2) {
            case 0:
                reader.alignToByte()
                let len = try reader.bits(16), nlen = try reader.bits(16)
                guard len ^ 0xffff == nlen else { throw Failure(description: "stored block length check") }
                for _ in 0..<len { out.append(UInt8(try reader.bits(8))) }
            case 1:
                while true {
                    let symbol = try reader.fixedLiteral()
                    if symbol < 256 { out.append(UInt8(symbol)); continue }
                    if symbol == 256 { break }
                    let k = symbol - 257
                    guard k < lengthBase.count else { throw Failure(description: "bad length code") }
                    let length = lengthBase[k] + (try reader.bits(lengthExtra[k]))
                    let dk = try reader.huffman(5)
                    guard dk < distanceBase.count else { throw Failure(description: "bad distance code") }
                    let distance = distanceBase[dk] + (try reader.bits(distanceExtra[dk]))
                    guard distance <= out.count else { throw Failure(description: "distance before the start") }
                    for _ in 0..<length { out.append(out[out.count - distance]) }
                }
            default:
                throw Failure(description: "block type not handled here")
            }
        } while final == 0
        reader.alignToByte()
        let adler = try (0..<4).reduce(0) { v, _ in v << 8 | (try reader.bits(8)) }
        var a = 1, b = 0
        for byte in out { a = (a + Int(byte)) % 65_521; b = (b + a) % 65_521 }
        guard adler == b << 16 | a else { throw Failure(description: "Adler-32 mismatch") }
        return out
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                       2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private struct BitReader {
        let bytes: [UInt8]
        var position: Int
        var bit = 0

        mutating func bits(_ n: Int) throws -> Int {
            var v = 0
            for k in 0..<n {
                guard position < bytes.count else { throw Failure(description: "stream ends early") }
                v |= Int(bytes[position] >> UInt8(bit) & 1) << k
                bit += 1
                if bit == 8 { bit = 0; position += 1 }
            }
            return v
        }

        /// A Huffman code of `n` bits, most significant bit first.
        mutating func huffman(_ n: Int) throws -> Int {
            var v = 0
            for _ in 0..<n { v = v << 1 | (try bits(1)) }
            return v
        }

        mutating func fixedLiteral() throws -> Int {
            var code = try huffman(7)
            if code <= 0x17 { return 256 + code }
            code = code << 1 | (try bits(1))
            if (0x30...0xBF).contains(code) { return code - 0x30 }
            if (0xC0...0xC7).contains(code) { return 280 + code - 0xC0 }
            code = code << 1 | (try bits(1))
            guard (0x190...0x1FF).contains(code) else { throw Failure(description: "bad literal code") }
            return 144 + code - 0x190
        }

        mutating func alignToByte() {
            if bit > 0 { bit = 0; position += 1 }
        }
    }
}
