import Foundation
import SeedAudio
import SeedTestSupport
import XCTest

/// The MP3 encoder cuts a stream into chunks of about 10 s, encodes them on both cores and joins
/// the encodings. The joins must not be heard or seen: the decoded length is exact, no granule
/// near a join is worse than the rest, and the info frame describes the joined stream.
final class Mp3ParallelEncodingTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = TestFiles.tempDir() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// A steady chord in stereo noise: every 576-sample granule is coded about equally well, so
    /// a join that broke the MDCT overlap or the bit reservoir would stand out by tens of dB.
    private func steadyMusic(rate: Int, seconds: Double, channels: Int) -> [Float] {
        let noise = Signals.pinkNoise(rate: rate, seconds: seconds, amplitude: 0.15, channels: channels, seed: 11)
        var x = noise
        for f in [220.0, 277.18, 329.63] {
            let tone = Signals.sine(f, rate: rate, seconds: seconds, amplitude: 0.12, channels: channels)
            for i in x.indices { x[i] += tone[i] }
        }
        return x
    }

    /// Plucks (sharp attack, fast decay) every 0.23 s over the chord: short blocks all through,
    /// so some joins fall among them.
    private func plucks(rate: Int, seconds: Double) -> [Float] {
        var x = steadyMusic(rate: rate, seconds: seconds, channels: 2)
        let period = Int(0.23 * Double(rate))
        var rng = SeededRandom(seed: 5)
        for start in stride(from: 0, to: x.count / 2, by: period) {
            let f = 300 + 900 * (rng.nextSigned() + 1) / 2
            for n in 0..<min(period, x.count / 2 - start) {
                let v = Float(0.5 * exp(-Double(n) / (0.02 * Double(rate))) * sin(2 * .pi * f * Double(n) / Double(rate)))
                x[2 * (start + n)] += v
                x[2 * (start + n) + 1] += v
            }
        }
        return x
    }

    private func encode(_ x: [Float], rate: Int, channels: Int, mode: Mp3Mode, name: String,
                        expected: Bool = false, block: Int = 10_000) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let sink = try Mp3Sink(path: path, settings: EncoderSettings(format: .mp3, sampleRate: rate, channels: channels, mp3: mode),
                               expectedFrames: expected ? Int64(x.count / channels) : nil)
        try x.withUnsafeBufferPointer { all in
            var at = 0
            while at < all.count {
                let n = min(block * channels, all.count - at)
                try sink.write(UnsafeBufferPointer(rebasing: all[at..<at + n]), frames: n / channels)
                at += n
            }
        }
        try sink.finish()
        return path
    }

    /// Signal-to-error ratio (dB) of each 576-frame granule, all channels together.
    private func granuleSNR(_ original: [Float], _ decoded: [Float], channels: Int) -> [Double] {
        let size = 576 * channels
        return stride(from: 0, to: min(original.count, decoded.count) - size + 1, by: size).map { start in
            var s = 0.0, e = 0.0
            for i in start..<start + size {
                s += Double(original[i]) * Double(original[i])
                let d = Double(decoded[i] - original[i])
                e += d * d
            }
            return 10 * log10(s / max(e, 1e-20))
        }
    }

    private func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }

    func testJoinsInSteadyMusicAreAsCleanAsTheRest() throws {
        let rate = 44100
        let x = steadyMusic(rate: rate, seconds: 47, channels: 2)  // four joins
        for kbps in [128, 256] {
            let path = try encode(x, rate: rate, channels: 2, mode: .cbr(kbps: kbps), name: "steady\(kbps).mp3")
            let (y, info) = try TestFiles.read(path)
            XCTAssertEqual(info.frames, Int64(x.count / 2), "\(kbps)k: the joined stream decodes to the exact length")
            let snr = granuleSNR(x, y, channels: 2)
            let typical = median(snr)
            XCTAssertGreaterThan(typical, kbps == 128 ? 15 : 20, "\(kbps)k codes the chord")
            let worst = snr.enumerated().min { $0.element < $1.element }!
            XCTAssertGreaterThan(worst.element, typical - 6,
                                 "\(kbps)k: granule \(worst.offset) (at \(Double(worst.offset * 576) / Double(rate)) s) is \(typical - worst.element) dB worse than typical")
        }
    }

    func testJoinsAmongTransientsStayClean() throws {
        let rate = 48000
        let x = plucks(rate: rate, seconds: 33)
        let path = try encode(x, rate: rate, channels: 2, mode: .cbr(kbps: 192), name: "plucks.mp3")
        let (y, info) = try TestFiles.read(path)
        XCTAssertEqual(info.frames, Int64(x.count / 2))
        // Each pluck period on its own: the worst period is not far below the typical one.
        let snr = granuleSNR(x, y, channels: 2)
        let perPeriod = Int(0.23 * Double(rate)) / 576
        let periods = stride(from: 0, to: snr.count - perPeriod, by: perPeriod).map { snr[$0..<$0 + perPeriod].reduce(0, +) / Double(perPeriod) }
        XCTAssertGreaterThan(periods.min()!, median(periods) - 6)
    }

    func testVbrMonoAndLowRatesJoinToTheExactLength() throws {
        // VBR frames differ in size; mono and 32 kHz have other side information sizes.
        let stereo = steadyMusic(rate: 44100, seconds: 25, channels: 2)
        let vbr = try TestFiles.read(try encode(stereo, rate: 44100, channels: 2, mode: .vbr(quality: 4), name: "vbr.mp3"))
        XCTAssertEqual(vbr.info.frames, Int64(stereo.count / 2))
        XCTAssertGreaterThan(median(granuleSNR(stereo, vbr.samples, channels: 2)), 15)
        let mono = steadyMusic(rate: 32000, seconds: 30, channels: 1)
        let m = try encode(mono, rate: 32000, channels: 1, mode: .abr(kbps: 96, minKbps: 64), name: "mono.mp3")
        let (y, info) = try TestFiles.read(m)
        XCTAssertEqual(info.frames, Int64(mono.count))
        let snr = granuleSNR(mono, y, channels: 1)
        XCTAssertGreaterThan(snr.min()!, median(snr) - 6)
        // 22.05 kHz is MPEG-2 (576-sample frames, 8-bit reservoir pointer): decoders do not trim
        // its delay, so only the joins' cleanliness is checked, on the aligned signal.
        let low = steadyMusic(rate: 22050, seconds: 45, channels: 1)
        let l = try encode(low, rate: 22050, channels: 1, mode: .cbr(kbps: 48), name: "low.mp3")
        let decoded = try TestFiles.read(l).samples
        let delay = 576 + 529  // LAME's encoder delay plus the decoder's
        XCTAssertGreaterThanOrEqual(decoded.count, low.count + delay)
        let lsnr = granuleSNR(low, Array(decoded[delay...]), channels: 1)
        XCTAssertGreaterThan(median(lsnr), 10)
        XCTAssertGreaterThan(lsnr.min()!, median(lsnr) - 6)
    }

    func testInfoFrameDescribesTheJoinedStream() throws {
        let rate = 44100
        let x = steadyMusic(rate: rate, seconds: 24, channels: 2)
        let path = try encode(x, rate: rate, channels: 2, mode: .cbr(kbps: 160), name: "tag.mp3")
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(file.prefix(3)), Array("ID3".utf8))
        let id3 = 10 + (Int(file[6]) << 21 | Int(file[7]) << 14 | Int(file[8]) << 7 | Int(file[9]))
        // MPEG-1 stereo: 4-byte header, 32 bytes of side information, then "Info".
        XCTAssertEqual(Array(file[id3 + 36..<id3 + 40]), Array("Info".utf8))
        let be = { (o: Int) in file[o..<o + 4].reduce(0) { $0 << 8 | Int($1) } }
        let flags = be(id3 + 40), frames = be(id3 + 44), bytes = be(id3 + 48)
        XCTAssertEqual(flags & 7, 7, "frames, bytes and seek table present")
        XCTAssertEqual(bytes, file.count - id3, "bytes: the whole stream from the info frame on")
        let toc = Array(file[id3 + 52..<id3 + 152])
        XCTAssertEqual(toc[0], 0)
        XCTAssertEqual(toc, toc.sorted(), "the seek table only goes forward")
        XCTAssertEqual(Double(toc[50]), 128, accuracy: 3, "constant bitrate: half the time is half the bytes")
        let lame = id3 + 156
        XCTAssertEqual(Array(file[lame..<lame + 4]), Array("LAME".utf8))
        let delay = Int(file[lame + 21]) << 4 | Int(file[lame + 22] >> 4)
        let padding = Int(file[lame + 22] & 0xF) << 8 | Int(file[lame + 23])
        XCTAssertEqual(delay, 576)
        XCTAssertEqual(frames * 1152, x.count / 2 + delay + padding, "frames, delay and padding account for every sample")
        XCTAssertEqual(be(lame + 28), bytes, "music length")
        let infoSize = 144 * 160_000 / rate + Int((file[id3 + 2] >> 1) & 1)
        XCTAssertEqual(crc16(file[(id3 + infoSize)...]), UInt16(file[lame + 32]) << 8 | UInt16(file[lame + 33]), "music CRC")
        XCTAssertEqual(crc16(file[id3..<lame + 34]), UInt16(file[lame + 34]) << 8 | UInt16(file[lame + 35]), "tag CRC")
        // The audio frames after the info frame are exactly `frames` frames.
        var at = id3 + infoSize, count = 0
        while at + 4 <= file.count {
            XCTAssertEqual(file[at], 0xFF, "frame sync at \(at)")
            guard file[at] == 0xFF else { break }
            let kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320][Int(file[at + 2] >> 4)]
            at += 144 * kbps * 1000 / rate + Int((file[at + 2] >> 1) & 1)
            count += 1
        }
        XCTAssertEqual(at, file.count)
        XCTAssertEqual(count, frames)
    }

    func testTheSameInputGivesTheSameFileHoweverItIsFed() throws {
        // Chunk boundaries follow the sample count only, not thread timing or write sizes.
        let x = plucks(rate: 44100, seconds: 22)
        let a = try encode(x, rate: 44100, channels: 2, mode: .cbr(kbps: 192), name: "a.mp3", block: 4096)
        let b = try encode(x, rate: 44100, channels: 2, mode: .cbr(kbps: 192), name: "b.mp3", block: 77_777)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
        // With the length known, the stream is cut in two halves; still exact and clean.
        let c = try encode(x, rate: 44100, channels: 2, mode: .cbr(kbps: 192), name: "c.mp3", expected: true)
        let (y, info) = try TestFiles.read(c)
        XCTAssertEqual(info.frames, Int64(x.count / 2))
        let snr = granuleSNR(x, y, channels: 2)
        XCTAssertGreaterThan(median(snr), 15)
    }

    /// CRC-16, polynomial 0x8005 reflected (0xA001), as the LAME tag uses.
    private func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for b in bytes {
            crc ^= UInt16(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }
}
