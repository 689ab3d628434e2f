import ArgumentParser
import Foundation
import SeedAudio
import SeedClient
import SeedFiles
import SeedPipeline

/// The one place where errors become a single line on stderr and a documented exit code.
enum ErrorReporting {
    static func exitCode(for error: Error) -> Int32 {
        switch error {
        case let e as AudioError:
            switch e {
            case .fileNotFound, .isFolder: return 66
            case .emptyFile, .unreadable, .unsupportedFormat, .truncated, .damaged, .notAudio, .nonFiniteSamples,
                 .unsupportedSampleRate, .unsupportedChannelCount, .decoderFailed, .tooQuiet: return 65
            case .doesNotFit: return 67
            case .encoderFailed, .resamplerFailed: return 70
            case .interrupted: return 130
            }
        case let e as FileError:
            switch e {
            case .outputExists, .outputIsInput: return 73
            case .writeFailed, .diskFull: return 74
            }
        case is QuantityError: return 64
        case let e as APIError: return e.exitCode
        case is TransportError: return 69
        case is BeatModel.LoadError: return 70
        default: return 1
        }
    }

    static func message(for error: Error) -> String {
        switch error {
        case let e as AudioError: return e.message
        case let e as FileError: return e.message
        case let e as QuantityError: return e.message
        case let e as APIError: return e.message
        case let e as TransportError: return "network error: \(e.detail)"
        default: return "\(error)"
        }
    }

    /// Prints `seed: error: …` and turns the error into an ArgumentParser exit code.
    static func fail(_ error: Error) -> ExitCode {
        FileHandle.standardError.write(Data("seed: error: \(Secrets.redact(message(for: error)))\n".utf8))
        return ExitCode(exitCode(for: error))
    }
}

/// Runs `body`, mapping any error to the one-line report and exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ExitCode { throw e } catch { throw ErrorReporting.fail(error) }
}

/// Ctrl-C removes unfinished outputs; a file-size limit becomes an error rather than a crash.
enum Interrupts {
    static func install() {
        signal(SIGINT) { _ in
            OutputFile.removeAllPending()
            _exit(130)
        }
        signal(SIGTERM) { _ in
            OutputFile.removeAllPending()
            _exit(143)
        }
        signal(SIGXFSZ, SIG_IGN)
    }
}
