import Dispatch
import Foundation
import Logging

/// SIGTERM and SIGINT: the first asks the processor to stop (graceful, with
/// a deadline of `grace` seconds), a second one exits at once. Either way
/// every checkpoint already written stays; the next start resumes.
final class ShutdownSignals: @unchecked Sendable {
    // Confinement: `sources` is set in init and only cancelled after.
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "avatar-spool.signals")

    init(grace: Double, logger: Logger, stop: @escaping @Sendable () -> Void) {
        let count = SignalCount()
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { @Sendable in
                if count.increment() == 1 {
                    logger.notice("signal \(sig): stopping; in-flight steps get \(grace) s (a second signal exits at once)")
                    stop()
                    DispatchQueue.global().asyncAfter(deadline: .now() + grace) { @Sendable in
                        logger.warning("grace period over: exiting; unfinished steps resume at the next start")
                        exit(0)
                    }
                } else {
                    logger.warning("second signal: exiting now")
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}

/// Counts signals across Dispatch handlers.
final class SignalCount: @unchecked Sendable {
    // Confinement: `n` only under `lock`.
    private let lock = NSLock()
    private var n = 0
    func increment() -> Int { lock.withLock { n += 1; return n } }
}
