import AvatarSystem
import Foundation
import Logging

/// What the processor tells systemd (Type=notify): READY=1 after the
/// start-up scan, a one-line STATUS=, WATCHDOG=1 while both loops make
/// progress, STOPPING=1 and EXTEND_TIMEOUT_USEC= during the SIGTERM grace.
/// Without `$NOTIFY_SOCKET` every call does nothing.
public final class ServiceNotifier: Sendable {
    let socket: NotifySocket?
    /// Half of `WATCHDOG_USEC`: how often to pet; nil when no watchdog is set
    /// (or it is meant for another process: `WATCHDOG_PID`).
    public let petInterval: Duration?
    let logger: Logger

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) {
        socket = NotifySocket(environment: environment)
        self.logger = logger
        if socket != nil, let raw = environment["WATCHDOG_USEC"], let usec = UInt64(raw), usec > 0,
           environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            petInterval = .microseconds(Int64(usec / 2))
        } else {
            petInterval = nil
        }
    }

    public var isActive: Bool { socket != nil }

    /// Sends `fields` ("READY=1", "STATUS=…"), newline-separated, in one datagram.
    public func send(_ fields: [String]) {
        guard let socket else { return }
        do {
            try socket.send(fields.joined(separator: "\n"))
        } catch {
            logger.debug("sd_notify to \(socket.address) failed: \(error)")
        }
    }

    public func ready(status: String) { send(["READY=1", "STATUS=" + Self.oneLine(status)]) }

    public func status(_ line: String) { send(["STATUS=" + Self.oneLine(line)]) }

    /// SIGTERM: stopping, and systemd should wait `grace` seconds more than
    /// its own stop time-out would (so the grace is never cut short).
    public func stopping(grace: Double) {
        let usec = UInt64(max(0, grace + 5) * 1_000_000)
        send(["STOPPING=1", "EXTEND_TIMEOUT_USEC=\(usec)", "STATUS=stopping: in-flight steps finish (grace \(Int(grace)) s)"])
    }

    /// Pets the watchdog every half `WATCHDOG_USEC` while `monitor` says both
    /// loops make progress and the I/O pool answers; stops petting (and logs
    /// once) when one is wedged, so systemd restarts the processor.
    /// Returns when the task is cancelled.
    public func runWatchdog(monitor: ProgressMonitor, pool: BlockingPool = .shared) async {
        guard let interval = petInterval else { return }
        var wedgedBefore = false
        while !Task.isCancelled {
            let poolAnswers = await Self.answers(pool, within: interval)
            let wedged = monitor.wedged()
            if wedged.isEmpty && poolAnswers {
                send(["WATCHDOG=1"])
                if wedgedBefore { logger.notice("watchdog: progress again; petting resumed") }
                wedgedBefore = false
            } else if !wedgedBefore {
                wedgedBefore = true
                let what = wedged.map { "the \($0.rawValue) loop" } + (poolAnswers ? [] : ["the I/O thread pool"])
                logger.critical("watchdog: \(what.joined(separator: " and ")) made no progress for \(monitor.horizon); no longer petting the systemd watchdog")
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Whether a no-op job on `pool` runs within `limit` (all its threads stuck means no).
    static func answers(_ pool: BlockingPool, within limit: Duration) async -> Bool {
        let flag = Answered()
        Task { await pool.run { flag.set() } }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if flag.isSet { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return flag.isSet
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// A flag set once from another thread.
final class Answered: @unchecked Sendable {
    // Confinement: `value` only under `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
