/// A zlib stream (RFC 1950) of one DEFLATE block (RFC 1951) with the fixed Huffman code and LZ77
/// matches found through hash chains (3-byte hash, 32 KiB window, greedy, chains up to 64 long),
/// after the way zlib's deflate finds matches. Plots are large flat areas and repeated rows, so
/// this alone takes a 1200×420 PNG from 1.5 MB of stored blocks to tens of kilobytes.
func zlibCompress(_ data: [UInt8]) -> [UInt8] {
    var out = BitWriter()
    out.bytes = [0x78, 0x01]
    out.write(1, bits: 1)            // BFINAL
    out.write(1, bits: 2)            // BTYPE 01: fixed Huffman codes
    let n = data.count
    let window = 32_768, hashBits = 15
    var head = [Int32](repeating: -1, count: 1 << hashBits)
    var previous = [Int32](repeating: -1, count: window)
    data.withUnsafeBufferPointer { d in
        func hash(_ i: Int) -> Int {
            (Int(d[i]) << 10 ^ Int(d[i + 1]) << 5 ^ Int(d[i + 2])) & ((1 << hashBits) - 1)
        }
        func insert(_ i: Int) {
            guard i + 2 < n else { return }
            let h = hash(i)
            previous[i & (window - 1)] = head[h]
            head[h] = Int32(i)
        }
        var i = 0
        while i < n {
            var bestLength = 0, bestDistance = 0
            if i + 2 < n {
                var candidate = Int(head[hash(i)]), chain = 0
                let longest = min(258, n - i)
                while candidate >= 0, i - candidate <= window, chain < 64 {
                    var l = 0
                    while l < longest, d[candidate + l] == d[i + l] { l += 1 }
                    if l > bestLength {
                        bestLength = l
                        bestDistance = i - candidate
                        if l == longest { break }
                    }
                    let next = Int(previous[candidate & (window - 1)])
                    if next >= candidate { break }   // overwritten by a newer position
                    candidate = next
                    chain += 1
                }
            }
            if bestLength >= 3 {
                out.writeLength(bestLength)
                out.writeDistance(bestDistance)
                for k in i..<(i + bestLength) { insert(k) }
                i += bestLength
            } else {
                out.writeLiteral(Int(d[i]))
                insert(i)
                i += 1
            }
        }
    }
    out.writeLiteral(256)           // end of block
    out.flush()
    let adler = adler32(data)
    return out.bytes + [UInt8(adler >> 24), UInt8((adler >> 16) & 0xff), UInt8((adler >> 8) & 0xff), UInt8(adler & 0xff)]
}

/// Adler-32 of the uncompressed data (RFC 1950).
func adler32(_ data: [UInt8]) -> UInt32 {
    var a: UInt32 = 1, b: UInt32 = 0
    for chunkStart in stride(from: 0, to: data.count, by: 5552) {
        for byte in data[chunkStart..<min(data.count, chunkStart + 5552)] { a += UInt32(byte); b += a }
        a %= 65_521; b %= 65_521
    }
    return (b << 16) | a
}

/// DEFLATE's bit order: values LSB first, Huffman codes MSB first.
private struct BitWriter {
    var bytes: [UInt8] = []
    private var buffer: UInt32 = 0, count = 0

    mutating func write(_ value: Int, bits: Int) {
        buffer |= UInt32(value) << UInt32(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(buffer & 0xff))
            buffer >>= 8
            count -= 8
        }
    }

    mutating func writeCode(_ code: Int, bits: Int) {
        var reversed = 0
        for b in 0..<bits where code & (1 << b) != 0 { reversed |= 1 << (bits - 1 - b) }
        write(reversed, bits: bits)
    }

    /// Fixed literal/length code (RFC 1951 §3.2.6).
    mutating func writeLiteral(_ symbol: Int) {
        switch symbol {
        case 0...143: writeCode(0x30 + symbol, bits: 8)
        case 144...255: writeCode(0x190 + symbol - 144, bits: 9)
        case 256...279: writeCode(symbol - 256, bits: 7)
        default: writeCode(0xC0 + symbol - 280, bits: 8)
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                       2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    mutating func writeLength(_ length: Int) {
        var k = Self.lengthBase.count - 1
        while Self.lengthBase[k] > length { k -= 1 }
        writeLiteral(257 + k)
        write(length - Self.lengthBase[k], bits: Self.lengthExtra[k])
    }

    mutating func writeDistance(_ distance: Int) {
        var k = Self.distanceBase.count - 1
        while Self.distanceBase[k] > distance { k -= 1 }
        writeCode(k, bits: 5)
        write(distance - Self.distanceBase[k], bits: Self.distanceExtra[k])
    }

    mutating func flush() {
        if count > 0 { bytes.append(UInt8(buffer & 0xff)) }
        buffer = 0
        count = 0
    }
}
