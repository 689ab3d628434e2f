import COpenBLAS
import Foundation

/// What seed asks of OpenBLAS before its first product.
///
/// - Threads: the pthreads build starts a server thread per core when it loads, and each spins
///   (sched_yield) for about 2^28 cycles before it sleeps: a core's worth of work thrown away at
///   the start of every process, beside seed's own threads. seed runs every matrix product on
///   one BLAS thread of its own (`BeatActivationNetwork` splits the work itself), so it stops them.
/// - Kernels: OpenBLAS 0.3.21 (Debian 12) picks its kernels by CPU model, and a model newer than
///   the library gets its generic SSE3 (Prescott) kernels. When that happens on a CPU whose
///   flags show AVX-512 (or AVX2 and FMA), seed selects the SkylakeX (Haswell) kernels, as
///   `OPENBLAS_CORETYPE` would; a `OPENBLAS_CORETYPE` the user set is left alone.
public enum BLASThreads {
    /// Sets OpenBLAS to one thread, ends its idle server threads and mends its kernel choice
    /// (once; call early, before any other thread uses BLAS).
    public static func useCallerThreadOnly() { _ = prepared }

    /// The kernel set OpenBLAS uses ("SkylakeX", "Haswell", "Prescott", …).
    public static var kernels: String { String(cString: openblas_get_corename()) }

    private static let prepared: Void = {
        openblas_set_num_threads(1)
        // Only the pthreads build has server threads to stop; the serial and OpenMP builds of
        // libopenblas0 lack the symbol, so it is looked up rather than linked.
        if let symbol = dlsym(nil, "blas_thread_shutdown_") {
            typealias Shutdown = @convention(c) () -> Int32
            _ = unsafeBitCast(symbol, to: Shutdown.self)()
        }
        mendKernelChoice()
    }()

    private static func mendKernelChoice() {
        guard getenv("OPENBLAS_CORETYPE") == nil, kernels.lowercased() == "prescott",
              let wanted = kernels(forFlags: cpuFlags()),
              let quit = dlsym(nil, "gotoblas_dynamic_quit"), let initialize = dlsym(nil, "gotoblas_dynamic_init") else { return }
        typealias Call = @convention(c) () -> Void
        // The dynamic-architecture build reads OPENBLAS_CORETYPE when it initializes.
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        unsafeBitCast(quit, to: Call.self)()
        unsafeBitCast(initialize, to: Call.self)()
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// The best kernels the CPU flags allow, among those worth choosing over Prescott.
    static func kernels(forFlags flags: Set<String>) -> String? {
        if flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The first processor's flags in /proc/cpuinfo (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
