import AvatarIndex
import AvatarPostgres
import AvatarSpoolEngine
import AvatarSystem
import Foundation
import Logging

/// Leases in PostgreSQL (AVATAR_LEASES=postgres): the ownership of tasks and
/// claim folders when several hosts share one spool.
///
/// One dedicated connection per processor (never through a transaction
/// pooler: session advisory locks live with the server session) holds a
/// session-level advisory lock per task or claim. A heartbeat thread keeps
/// the session busy; `LeaseTimings` says how each bound follows from
/// AVATAR_LEASE_SECONDS. A lease is lost when the connection is lost
/// (a new session holds none of the old locks) or when no heartbeat was
/// confirmed for 2L/3: its task's stop flag is raised and its guards refuse.
///
/// Confinement: `state` under `lock`; the connection is used under its own
/// lock, never while `lock` is held.
public final class LeaseManager: Ownership, @unchecked Sendable {
    public let timings: LeaseTimings
    /// "<node>:<pid>", in lease rows, events and logs.
    public let holder: String
    let connection: PGConnection
    let logger: Logger
    let audit: LeaseAudit?
    private let lock = NSLock()
    private var generation = 0
    private var confirmed: (generation: Int, at: ContinuousClock.Instant)?
    private var held: [OwnedName: TaskLease] = [:]
    private var running = false
    private var lastError: String?

    /// - Parameters:
    ///   - conninfo: the PostgreSQL URL (AVATAR_INDEX_URL); the same database as the index.
    ///   - node: AVATAR_NODE_NAME (default: the host name).
    public init(conninfo: String, node: String, timings: LeaseTimings, logger: Logger, audit: LeaseAudit? = nil) {
        self.timings = timings
        self.holder = "\(node):\(getpid())"
        self.logger = logger
        self.audit = audit
        let box = GenerationBox()
        connection = PGConnection(conninfo: conninfo, applicationName: "avatar-spool lease \(node):\(getpid())",
                                  options: timings.connectionOptions, onConnect: { s in
            for sql in timings.sessionSettings { try s.query(sql, context: "lease session") }
            try LeaseTables.migrate(s)
            box.bump()
        })
        box.owner = self
    }

    public var isShared: Bool { true }

    // MARK: acquire and release

    public func acquire(_ name: OwnedName) throws -> (any OwnershipToken)? {
        let taken: Bool = lock.withLock {
            // A lease this process still holds (or lost and has not yet let
            // go) is not taken again: advisory locks are re-entrant per session.
            held[name] != nil
        }
        if taken { return nil }
        let key = LeaseTables.key(name.description)
        let holder = holder, trustMs = trustMs
        // The epoch (nil when another session holds it), the wait before use,
        // the session generation, and when a takeover was sent (it confirms
        // the session as a heartbeat does, and records a beat with it).
        let result: (epoch: Int64?, waitMs: Int, generation: Int, sent: ContinuousClock.Instant?) = try connection.withSession { s in
            let ok = try s.query("SELECT pg_try_advisory_lock($1::bigint) AS ok", [String(key)], context: "lease of \(name)")
            let session = lock.withLock { self.generation }
            guard (ok.first?["ok"] ?? nil) == "t" else { return (nil, 0, session, nil) }
            guard case .task(let id) = name else { return (0, 0, session, nil) }
            do {
                let sent = ContinuousClock.now
                let (epoch, waitMs) = try s.transaction(context: "lease of \(name)") {
                    try LeaseTables.takeEpoch(id, holder: holder, trustMs: trustMs, s)
                }
                return (epoch, waitMs, session, sent)
            } catch {
                _ = try? s.query("SELECT pg_advisory_unlock($1::bigint)", [String(key)], context: "lease of \(name)")
                throw error
            }
        }
        // Only what also recorded a beat on the server confirms the session:
        // the next holder's wait is counted from the last recorded beat.
        if let sent = result.sent { lock.withLock { confirm(generation: result.generation, at: sent) } }
        guard let epoch = result.epoch else { return nil }
        let lease = TaskLease(manager: self, name: name, key: key, epoch: epoch, generation: result.generation,
                              waitBeforeUse: .milliseconds(result.waitMs))
        let clash: Bool = lock.withLock {
            if held[name] != nil { return true }
            held[name] = lease
            return false
        }
        if clash {
            // Another thread of this process took it meanwhile (re-entrant lock): give our count back.
            lease.forget()
            try? connection.withSession { _ = try $0.query("SELECT pg_advisory_unlock($1::bigint)", [String(key)]) }
            return nil
        }
        if case .task(let id) = name { logger.debug("[Task \(id)] lease taken, epoch \(epoch)") }
        return lease
    }

    /// The lease this processor holds on task `id`, lost or not.
    func lease(forTask id: String) -> TaskLease? { lock.withLock { held[.task(id)] } }

    /// Gives `lease` back. Blocking.
    func release(_ lease: TaskLease) {
        let sameSession: Bool = lock.withLock {
            if held[lease.name] === lease { held[lease.name] = nil }
            return lease.generation == generation
        }
        // A lost session already dropped the lock on the server.
        guard sameSession else { return }
        let holder = holder
        do {
            try connection.withSession { s in
                try s.query("SELECT pg_advisory_unlock($1::bigint)", [String(lease.key)], context: "release \(lease.name)")
                if case .task(let id) = lease.name, !lease.isLost {
                    try LeaseTables.released(id, epoch: lease.epoch, holder: holder, s)
                }
            }
        } catch {
            logger.warning("could not release the lease of \(lease.name) (\(error)); the server drops it with the session")
        }
    }

    /// Gives every lease back and closes the connection (processor stop).
    public func releaseAll() {
        let leases = lock.withLock { Array(held.values) }
        for lease in leases { lease.release() }
        lock.withLock { running = false }
        connection.close()
    }

    /// For `doctor`: connects a lease session (its settings need PostgreSQL
    /// 14 or later, for idle_session_timeout) and says what it found.
    /// Blocking. - Throws: `PGError` with the server's words.
    public func probe() throws -> String {
        let version = try connection.withSession { s in
            try s.query("SHOW server_version", context: "lease probe").first?["server_version"] ?? nil
        }
        connection.close()
        return "postgres as \(holder), lease \(Int(timings.seconds)) s (AVATAR_LEASE_SECONDS): a silent host loses its tasks within it; server \(version ?? "?") accepts the lease session's settings (idle_session_timeout, tcp_user_timeout)"
    }

    // MARK: validity

    /// Called with `lock` held.
    private func confirm(generation g: Int, at: ContinuousClock.Instant) {
        guard g == generation else { return }
        if let c = confirmed, c.generation == g, c.at >= at { return }
        confirmed = (g, at)
    }

    fileprivate func newSession() { lock.withLock { generation += 1 } }

    /// Why `lease` may no longer be ours, or nil while it is.
    func invalidity(of lease: TaskLease) -> String? {
        lock.withLock {
            if lease.generation != generation { return "the connection to PostgreSQL was lost and the server dropped its locks" }
            guard let c = confirmed, c.generation == lease.generation else { return "no heartbeat confirmed on this connection" }
            let age = ContinuousClock.now - c.at
            if age > timings.validity {
                return "no heartbeat confirmed for \(String(format: "%.1f", age.inSeconds)) s (lease \(Int(timings.seconds)) s)" + (lastError.map { ": \($0)" } ?? "")
            }
            return nil
        }
    }


    // MARK: heartbeats

    /// Starts the heartbeat thread and the sweep that ends leases whose
    /// heartbeats stopped. Runs until `releaseAll`.
    public func start() {
        let already = lock.withLock { () -> Bool in
            defer { running = true }
            return running
        }
        guard !already else { return }
        let thread = Thread { [self] in heartbeatLoop() }
        thread.name = "avatar-lease-heartbeat"
        thread.stackSize = 1 << 20
        thread.start()
        Task.detached { [self] in
            // The sweep needs no database: a hung heartbeat cannot delay it.
            while lock.withLock({ running }) {
                try? await Task.sleep(for: timings.heartbeat / 2)
                sweep()
            }
        }
    }

    /// How long this processor trusts its leases after a beat, in ms (recorded with each beat).
    var trustMs: Int { timings.validity.inMilliseconds }

    private func heartbeatLoop() {
        while lock.withLock({ running }) {
            let started = ContinuousClock.now
            do {
                let (g, sent) = try connection.withSession { s -> (Int, ContinuousClock.Instant) in
                    let sent = ContinuousClock.now
                    try LeaseTables.beat(holder, trustMs: trustMs, s)
                    return (lock.withLock { generation }, sent)
                }
                let recovered: String? = lock.withLock {
                    confirm(generation: g, at: sent)
                    defer { lastError = nil }
                    return lastError
                }
                if let recovered { logger.notice("lease heartbeats to PostgreSQL work again (they failed: \(recovered))") }
            } catch {
                let first: Bool = lock.withLock {
                    defer { lastError = "\(error)" }
                    return lastError == nil
                }
                // The session is gone (killed, server restarted) or cannot be
                // reached: its locks may be free already. End the leases now.
                if (error as? PGError)?.code == .connection {
                    newSession()
                    sweep()
                }
                if first { logger.error("lease heartbeat failed: \(error); leases end \(Int(timings.seconds * 2 / 3)) s after the last one that worked") }
            }
            // Between beats, watch the idle connection: a killed session or a
            // restarted server closes it, and the next beat (at once) finds out,
            // so a lease freed by the server ends here within milliseconds.
            let elapsed = ContinuousClock.now - started
            if elapsed < timings.heartbeat {
                let waitMS = Int32((timings.heartbeat - elapsed).inSeconds * 1000)
                if !connection.waitForServer(timeoutMS: waitMS) {
                    let left = timings.heartbeat - (ContinuousClock.now - started)
                    if left > .zero { Thread.sleep(forTimeInterval: left.inSeconds) }
                }
            }
        }
    }


    /// Ends every held lease that is no longer valid: once each.
    func sweep() {
        let leases = lock.withLock { Array(held.values) }
        for lease in leases where !lease.isLost {
            guard let why = invalidity(of: lease) else { continue }
            lease.markLost(why)
        }
    }

    /// Records that `lease` was lost (best effort: the server may be unreachable).
    func recordLost(_ lease: TaskLease, at: Date) {
        guard case .task(let id) = lease.name else { return }
        let holder = holder
        Self.eventPool.execute { [connection] in
            _ = try? connection.withSession { s in
                try LeaseTables.event(id, epoch: lease.epoch, holder: holder, "lost", at: at, s)
            }
        }
    }

    /// Best-effort writes off the caller's thread (events of lost leases).
    static let eventPool = BlockingPool(name: "avatar-lease-events", threads: 1)
}

/// Lets the connection's `onConnect` (made before `self` exists) reach the manager.
private final class GenerationBox: @unchecked Sendable {
    // Confinement: `owner` set once in LeaseManager.init, before any connection.
    weak var owner: LeaseManager?
    func bump() { owner?.newSession() }
}
