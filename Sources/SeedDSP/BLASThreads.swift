import COpenBLAS
import Foundation

/// OpenBLAS's pthreads build starts a server thread per core when it loads, and each spins
/// (sched_yield) for about 2^28 cycles before it sleeps: a core's worth of work thrown away at
/// the start of every process, beside seed's own threads. seed runs every matrix product on one
/// BLAS thread of its own (`BeatActivationNetwork` splits the work itself), so it stops them.
public enum BLASThreads {
    /// Sets OpenBLAS to one thread and ends its idle server threads (once; call early).
    public static func useCallerThreadOnly() { _ = stopped }

    private static let stopped: Void = {
        openblas_set_num_threads(1)
        // Only the pthreads build has server threads to stop; the serial and OpenMP builds of
        // libopenblas0 lack the symbol, so it is looked up rather than linked.
        if let symbol = dlsym(nil, "blas_thread_shutdown_") {
            typealias Shutdown = @convention(c) () -> Int32
            _ = unsafeBitCast(symbol, to: Shutdown.self)()
        }
    }()
}
