import Foundation
import SeedFiles
import SeedAudio
import SeedDSP

/// Writes `input` with clicks mixed in at the beats (downbeats higher and louder), so a person can
/// hear whether the beats are right. The music is lowered 6 dB so the sum cannot clip.
public func writeClickTrack(input: String, output: String, beats: [Beat], force: Bool) throws {
    let source = try AudioOpener.open(input)
    defer { source.close() }
    let info = source.info
    let out = try OutputFile(output, inputs: [input], force: force)
    do {
        let settings = EncoderSettings(format: OutputFormat(path: output) ?? .wav, sampleRate: info.sampleRate,
                                       channels: min(2, info.channels), depth: .int16)
        let sink = try makeSink(path: out.tempPath, settings: settings, title: "clicks", expectedFrames: info.frames)
        let rate = Double(info.sampleRate)
        let clickLength = Int(0.03 * rate)
        func click(_ downbeat: Bool) -> [Float] {
            let f = downbeat ? 1760.0 : 1000.0, a = downbeat ? 0.45 : 0.25
            return (0..<clickLength).map { Float(a * exp(-Double($0) / (0.006 * rate)) * sin(2 * Double.pi * f * Double($0) / rate)) }
        }
        let accent = click(true), plain = click(false)
        let starts = beats.map { (Int64(($0.time * rate).rounded()), $0.position == 1) }
        let mixing = ClickMixingSink(next: sink, channels: settings.channels, clicks: starts, accent: accent, plain: plain)
        try transcode(source, into: mixing, settings: settings)
        try out.commit()
    } catch {
        out.discard()
        throw error
    }
}

/// Mixes clicks into the stream passing through it.
final class ClickMixingSink: AudioSink {
    private let next: AudioSink
    private let channels: Int
    private let clicks: [(Int64, Bool)]
    private let accent: [Float], plain: [Float]
    private var position: Int64 = 0
    private var first = 0
    private var buffer: [Float] = []

    init(next: AudioSink, channels: Int, clicks: [(Int64, Bool)], accent: [Float], plain: [Float]) {
        self.next = next
        self.channels = channels
        self.clicks = clicks
        self.accent = accent
        self.plain = plain
    }

    func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        if buffer.count < samples.count { buffer = [Float](repeating: 0, count: samples.count) }
        for i in 0..<samples.count { buffer[i] = samples[i] * 0.5 }
        let end = position + Int64(frames)
        while first < clicks.count, clicks[first].0 + Int64(accent.count) < position { first += 1 }
        var k = first
        while k < clicks.count, clicks[k].0 < end {
            let (at, down) = clicks[k]
            let sound = down ? accent : plain
            for i in 0..<sound.count {
                let f = at + Int64(i) - position
                guard f >= 0, f < Int64(frames) else { continue }
                for c in 0..<channels { buffer[Int(f) * channels + c] += sound[i] }
            }
            k += 1
        }
        position = end
        try buffer.withUnsafeBufferPointer { try next.write(UnsafeBufferPointer(rebasing: $0[0..<samples.count]), frames: frames) }
    }

    func finish() throws { try next.finish() }
}
