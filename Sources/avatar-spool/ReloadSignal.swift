import Dispatch
import Foundation
import Logging

/// SIGHUP: reload the configuration (file, environment) for what can change
/// while running, today the daily budget (AVATAR_BUDGET_DAILY_USD).
final class ReloadSignal: @unchecked Sendable {
    // Confinement: `source` is set in init and only cancelled after.
    private let source: DispatchSourceSignal
    private let queue = DispatchQueue(label: "avatar-spool.reload")

    init(logger: Logger, reload: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        source.setEventHandler { @Sendable in
            logger.notice("SIGHUP: reloading the configuration")
            reload()
        }
        source.resume()
    }

    func cancel() { source.cancel() }
}
