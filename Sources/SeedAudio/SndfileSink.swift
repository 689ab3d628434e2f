import CSndfile
import Foundation
import SeedFiles

/// Writes WAV or FLAC through libsndfile.
public final class SndfileSink: AudioSink {
    private var handle: OpaquePointer?
    private let path: String

    public init(path: String, settings: EncoderSettings) throws {
        self.path = path
        var major = settings.format == .flac ? SF_FORMAT_FLAC : SF_FORMAT_WAV
        var depth = settings.depth
        if settings.format == .flac && depth == .float32 { depth = .int24 }  // FLAC is integer only
        let sub: Int = depth == .int16 ? SF_FORMAT_PCM_16 : (depth == .int24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT)
        // More than 2 channels or non-16-bit PCM needs WAVE_FORMAT_EXTENSIBLE for most readers.
        if settings.format == .wav && (settings.channels > 2 || depth != .int16) { major = SF_FORMAT_WAVEX }
        var info = SF_INFO()
        info.samplerate = Int32(settings.sampleRate)
        info.channels = Int32(settings.channels)
        info.format = Int32(major | sub)
        guard sf_format_check(&info) != 0 else {
            throw AudioError.encoderFailed("libsndfile cannot write \(settings.format.rawValue) with \(settings.channels) channels at \(settings.sampleRate) Hz")
        }
        errno = 0
        guard let h = sf_open(path, Int32(SFM_WRITE), &info) else {
            let e = errno
            if e != 0 { throw FileError.fromWriteErrno(e, path: path) }
            throw FileError.writeFailed(path, reason: String(cString: sf_strerror(nil)))
        }
        handle = h
        // Clip rather than wrap around when a float sample exceeds full scale.
        sf_command(h, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        sf_command(h, Int32(SFC_SET_NORM_FLOAT), nil, Int32(SF_TRUE))
    }

    public func write(_ samples: UnsafeBufferPointer<Float>, frames: Int) throws {
        guard let h = handle, frames > 0 else { return }
        errno = 0
        let n = sf_writef_float(h, samples.baseAddress, sf_count_t(frames))
        if n != frames {
            let e = errno
            sf_close(h); handle = nil
            throw e != 0 ? FileError.fromWriteErrno(e, path: path)
                         : FileError.writeFailed(path, reason: String(cString: sf_strerror(h)))
        }
    }

    public func finish() throws {
        guard let h = handle else { return }
        handle = nil
        errno = 0
        sf_write_sync(h)
        let err = sf_error(h)
        let e = errno
        if sf_close(h) != 0 || err != 0 {
            throw e != 0 ? FileError.fromWriteErrno(e, path: path) : FileError.writeFailed(path, reason: "close failed")
        }
    }

    deinit { if let h = handle { sf_close(h) } }
}
