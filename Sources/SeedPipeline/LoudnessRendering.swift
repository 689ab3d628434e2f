import Foundation
import SeedFiles
import SeedAudio

/// What loudness a rendering aims at.
public struct LoudnessTarget: Sendable, Codable, Equatable {
    /// Target integrated loudness in LUFS.
    public var lufs: Double = -14
    /// True-peak ceiling in dBTP.
    public var ceilingDBTP: Double = -1
    /// When set: plain peak normalization of the sample peak to this dBFS instead of loudness.
    public var peakDBFS: Double?

    public init(lufs: Double = -14, ceilingDBTP: Double = -1, peakDBFS: Double? = nil) {
        self.lufs = lufs
        self.ceilingDBTP = ceilingDBTP
        self.peakDBFS = peakDBFS
    }

    /// Quieter than this is treated as silence or near-silence and refused.
    public static let quietestLUFS = -55.0

    public var description: String {
        if let p = peakDBFS { return String(format: "peak %.1f dBFS", p) }
        return String(format: "%.1f LUFS, true peak ≤ %.1f dBTP", lufs, ceilingDBTP)
    }
}

/// How a loudness rendering went.
struct LoudnessOutcome {
    var after: LoudnessReport
    var gainDB: Double
    var limiterMaxReductionDB: Double
    var passes: Int
    /// Encodings done again because the decoded MP3 was over the ceiling.
    var reencodes = 0
    var warning: String?
}

/// Streams a source from where it is to its end through a loudness meter (true peak on);
/// returns the report and the number of frames read.
func meterToEnd(_ source: AudioSource, progress: ProgressHandler?) throws -> (report: LoudnessReport, frames: Int64) {
    let info = source.info
    let meter = try LoudnessMeter(sampleRate: info.sampleRate, channels: info.channels, truePeak: true)
    let block = 16_384
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * info.channels)
    defer { buffer.deallocate() }
    var frames: Int64 = 0
    while true {
        let n = try source.read(into: buffer.baseAddress!, frames: block)
        if n == 0 { break }
        meter.add(UnsafeBufferPointer(rebasing: buffer[0..<n * info.channels]), frames: n)
        frames += Int64(n)
        if let total = info.frames, total > 0 { progress?(min(1, Double(frames) / Double(total))) }
    }
    return (meter.report, frames)
}

/// Renders `source` (rewindable) into `out` at the target loudness under the true-peak ceiling.
///
/// The result is measured as it is written, in the output's own rate and channels (a downmix
/// changes loudness). Two corrections, at most 6 passes in all: a time-varying gain makes
/// inter-sample peaks of its own, so any overshoot of the ceiling lowers the limiter's internal
/// ceiling by as much; and a loudness miss (from a downmix, or from limiting, which returns less
/// than each added dB of gain) is corrected with a secant step, whose slope the first pass
/// already measures with a probe 1 dB higher beside it. The first pass only measures,
/// unless the gained signal stays well under the ceiling (then the limiter leaves it untouched and
/// the first pass nearly always settles); from the second on, where the secant step has usually
/// settled, each pass also encodes, and the encoding of the pass that needs no correction is the
/// output.
func renderAtLoudness(_ source: AudioSource, before: LoudnessReport, target: LoudnessTarget, out: OutputFile,
                      settings: EncoderSettings, resample: ResampleOptions, title: String,
                      progress: ProgressHandler?) throws -> LoudnessOutcome {
    let path = source.path
    var gain: Double
    let ceiling: Double
    if let peak = target.peakDBFS {
        guard let samplePeak = before.samplePeakDBFS, samplePeak > -60 else { throw tooQuiet(path, before) }
        gain = peak - samplePeak
        ceiling = 0  // plain peak mode: the limiter only stops inter-sample overs of full scale
    } else {
        guard let lufs = before.integratedLUFS, lufs > LoudnessTarget.quietestLUFS else { throw tooQuiet(path, before) }
        gain = target.lufs - lufs
        ceiling = target.ceilingDBTP
    }
    let expected = outputFrames(source.info.frames, from: source.info.sampleRate, to: settings)
    let lossy = settings.format == .mp3
    var limit = ceiling - 0.1
    var passes = 0
    var result: (LoudnessReport, Double)
    var previous: (gain: Double, lufs: Double)?
    var lastSlope = 1.0
    // More than 24 dB of limiting only makes distortion, never the target.
    let mostGain = ceiling - (before.truePeakDBTP ?? 0) + 24
    var probePeak: Double?
    var encoded = false  // whether the last pass also wrote the output
    // With its true peak well under the limiter's ceiling after the gain, the limiter passes the
    // signal through untouched, so the first pass is very likely the last: it encodes too (a song
    // turned down, a quiet take with headroom). The margin covers the limiter's own peak estimate.
    let untouched = (before.truePeakDBTP ?? before.samplePeakDBFS ?? 0) + gain < limit - 0.5
    while true {
        passes += 1
        try source.seek(toFrame: 0)
        do {
            // The meter (libebur128's true peak costs more than the limiter) runs on the second core.
            let metering = try MeteringSink(sampleRate: settings.sampleRate, channels: settings.channels)
            var next: AudioSink = ThreadedSink(metering)
            encoded = passes > 1 || untouched
            if encoded {
                next = TeeSink(next, ThreadedSink(try makeSink(path: out.tempPath, settings: settings, title: title,
                                                                           expectedFrames: expected)))
            }
            let sink = LimitingSink(next: next, sampleRate: settings.sampleRate, channels: settings.channels,
                                        gainDB: gain, ceilingDB: limit)
            // The pass that only measures also measures the loudness at `probeStepDB` more gain,
            // through a limiter of its own beside it, so the first correction already knows how
            // much loudness a dB of gain buys under this limiting, and is usually the last.
            var probe: (gain: Double, meter: MeteringSink, sink: LimitingSink)?
            var first: AudioSink = sink
            if !encoded, target.peakDBFS == nil {
                let probeMeter = try MeteringSink(sampleRate: settings.sampleRate, channels: settings.channels)
                let probeSink = LimitingSink(next: probeMeter, sampleRate: settings.sampleRate, channels: settings.channels,
                                             gainDB: gain + probeStepDB, ceilingDB: limit)
                probe = (gain + probeStepDB, probeMeter, probeSink)
                first = TeeSink(sink, ThreadedSink(probeSink))
            }
            try transcode(source, into: first, settings: settings, resample: resample, progress: { progress?(0.5 * $0) })
            result = (metering.meter.report, sink.maxReductionDB)
            if let probe, let lufs = probe.meter.meter.report.integratedLUFS {
                previous = (probe.gain, lufs)
                probePeak = probe.meter.meter.report.truePeakDBTP
            }
        } catch {
            out.discard()
            throw error
        }
        guard passes < 6 else { break }
        var again = false
        var lowered = 0.0
        if let tp = result.0.truePeakDBTP, tp > ceiling {
            lowered = tp - ceiling + 0.05
            limit -= lowered
            again = true
        }
        if target.peakDBFS == nil, let got = result.0.integratedLUFS, abs(got - target.lufs) > 0.1 {
            // The secant through this pass and the last (or the probe): limiting returns less
            // than a LU per dB, never more.
            var slope = 1.0
            if let p = previous, abs(gain - p.gain) > 0.01 { slope = min(1, max(0.25, (got - p.lufs) / (gain - p.gain))) }
            lastSlope = slope
            previous = (gain, got)
            // A limiter scales: the same gain under a ceiling d dB lower is d dB of gain more
            // under the old ceiling, less d. So a lowered ceiling costs (1 - slope)·d LU, which
            // the step makes up too.
            var step = (target.lufs - got + (1 - slope) * lowered) / slope
            step = min(mostGain - gain, step)
            // The probe also says how the limiter's overshoot grows with gain: the ceiling
            // comes down ahead of it (a line, trusted no further than twice the probe's step;
            // a ceiling set too low would cost loudness for good).
            if let probePeak, let tp = result.0.truePeakDBTP, step > 0 {
                let growth = min(1, max(0, probePeak - tp) / probeStepDB)
                // The true peak expected under the (already lowered) ceiling at the new gain.
                let expected = tp - lowered + growth * min(step, 2 * probeStepDB)
                if expected > ceiling - 0.05 {
                    limit -= expected - (ceiling - 0.05)
                }
            }
            probePeak = nil
            again = again || abs(step) > 0.01
            gain += step
        }
        if !again { break }
    }
    // The same gain and ceiling again, into the encoder alone.
    func encode() throws {
        passes += 1
        try source.seek(toFrame: 0)
        do {
            // The encoder runs beside this thread, which reads and limits (LAME on every core).
            let encoder = ThreadedSink(try makeSink(path: out.tempPath, settings: settings, title: title, expectedFrames: expected))
            let sink = LimitingSink(next: encoder, sampleRate: settings.sampleRate, channels: settings.channels,
                                        gainDB: gain, ceilingDB: limit)
            try transcode(source, into: sink, settings: settings, resample: resample, progress: { progress?(0.5 + 0.5 * $0) })
        } catch {
            out.discard()
            throw error
        }
    }
    if !encoded { try encode() }
    // A lossy file is what a player (and the service) decodes, and MP3 coding adds overshoot and
    // loses loudness of its own: the written file is decoded and measured, and over the ceiling or
    // off the target it is encoded again (at most twice). The figures reported are the decoded file's.
    var extra = 0
    if lossy {
        // Whether the encoder was given the target: a miss of the decoded file is then the codec's.
        let givenTarget = result.0.integratedLUFS.map { abs($0 - target.lufs) <= 0.1 } ?? false
        while true {
            let decoded: LoudnessReport
            do { decoded = try measureDecoded(out.tempPath) } catch { out.discard(); throw error }
            result.0 = decoded
            var again = false
            var lowered = 0.0
            // Within the promise's tolerance (0.05 dB over the ceiling) a full encoding more buys nothing.
            if let tp = decoded.truePeakDBTP, tp > ceiling + 0.05 {
                // MP3's overshoot grows as the limiter works harder (its coding noise rides on the
                // denser signal), so the step is half as large again as the overshoot.
                lowered = 1.5 * (tp - ceiling) + 0.1
                limit -= lowered
                again = true
            }
            // At 192 kbit/s and below LAME drops most of the highs over about 16 kHz, which
            // K-weighting lifts: the decoded file reads 0.2-0.4 LU under what it was given, the
            // same at any gain. Given that much more (through the limiter's slope), it lands.
            // A lowered ceiling costs (1 - slope)·d LU (limiters scale), which the gain makes up too.
            if target.peakDBFS == nil, givenTarget, let got = decoded.integratedLUFS,
               abs(got - target.lufs) > 0.15 || lowered > 0 {
                let miss = abs(got - target.lufs) > 0.15 ? target.lufs - got : 0
                gain = min(mostGain, gain + (miss + (1 - lastSlope) * lowered) / lastSlope)
                again = true
            }
            guard extra < 2, again else { break }
            extra += 1
            try encode()
        }
    }
    var warning: String?
    if target.peakDBFS == nil, let got = result.0.integratedLUFS, abs(got - target.lufs) > 0.5 {
        warning = String(format: "%.1f LUFS is out of reach under a %.1f dBTP ceiling for this material; reached %.1f LUFS",
                         target.lufs, target.ceilingDBTP, got)
    }
    if let tp = result.0.truePeakDBTP, tp > ceiling + 0.05 {
        warning = (warning.map { $0 + "; " } ?? "") + String(format: "true peak %.2f dBTP is over the ceiling", tp)
    }
    return LoudnessOutcome(after: result.0, gainDB: gain, limiterMaxReductionDB: result.1, passes: passes,
                           reencodes: extra, warning: warning)
}

/// Loudness and true peak of a written file as a decoder reads it back; the meter runs beside
/// the decoder, on the second core.
func measureDecoded(_ path: String) throws -> LoudnessReport {
    let decoded = try AudioOpener.open(path)
    defer { decoded.close() }
    let info = decoded.info
    let metering = try MeteringSink(sampleRate: info.sampleRate, channels: info.channels)
    let sink = ThreadedSink(metering)
    let block = 16_384
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: block * info.channels)
    defer { buffer.deallocate() }
    while true {
        let n = try decoded.read(into: buffer.baseAddress!, frames: block)
        if n == 0 { break }
        try sink.write(UnsafeBufferPointer(rebasing: buffer[0..<n * info.channels]), frames: n)
    }
    try sink.finish()
    return metering.meter.report
}

/// How much more gain the measuring pass's probe applies (dB): near where the first correction
/// lands for a song limited by a few dB, so the secant through the two is close to the curve there.
let probeStepDB = 1.0

func tooQuiet(_ path: String, _ loudness: LoudnessReport) -> AudioError {
    let level = loudness.integratedLUFS.map { String(format: "%.1f LUFS", $0) } ?? "digital silence"
    return .tooQuiet(path, level: level)
}
